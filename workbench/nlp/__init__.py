"""spaCy-assisted code suggestions. The only package that imports spaCy, and only lazily."""
