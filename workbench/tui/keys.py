"""Keys that arrive after a modal was opened but were routed before it was.

A terminal delivers a fast burst (``c o n Enter``) in one read. Textual
routes each key to the widget focused at arrival, so the keys after ``c`` are
queued on the transcript even though ``c`` is about to open the picker; they
would then run the transcript's own bindings (``x`` uncodes!).

Textual runs a widget's non-priority bindings only after the key has bubbled
up to the app, by which time the widget has already taken the next keys from
its queue. :func:`handle_key_now` therefore runs the binding while the widget
still holds the key, so a modal opened by ``c`` is on top before ``o`` is
looked at, and :func:`redirect_if_covered` hands such later keys to the screen
now on top.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget


def redirect_if_covered(widget: Widget, event: events.Key) -> bool:
    """Send ``event`` to the active screen if ``widget``'s screen is covered; True if sent."""
    try:
        active = widget.app.screen
        own = widget.screen
    except Exception:  # noqa: BLE001 - no screen (unmounting): nothing to redirect
        return False
    if own is active:
        return False
    event.prevent_default()
    event.stop()
    target: Widget = active.focused or active
    target.post_message(events.Key(event.key, event.character))
    return True


async def handle_key_now(widget: Widget, event: events.Key) -> None:
    """Redirect a key meant for a covered screen, else run its binding before the next key."""
    if redirect_if_covered(widget, event):
        return
    # textual 8 keeps this check private; it is what App._on_key does after bubbling.
    if await widget.app._check_bindings(event.key):
        event.prevent_default()
        event.stop()
