"""Domain objects, services, ports and errors. Imports no Textual, spaCy or SQLModel."""
