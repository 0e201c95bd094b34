"""Template tags of the operations app: a connection's lifecycle on the Connections page
(accounts' template asks; accounts' view does not know about operations)."""

from django import template

from operations.connections import lifecycles

register = template.Library()


@register.simple_tag
def connection_lifecycle(connection):
    """The lifecycle of one connection (operations.connections.Lifecycle), or None."""
    if connection is None:
        return None
    return lifecycles([connection])[0]
