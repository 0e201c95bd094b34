"""A stand-in for the system's resolver in tests of outbound calls: names resolve from a
table the test fills, never through DNS (the network guard would refuse the look-up)."""

import ipaddress
import socket

# A public address (of the global unicast space), for names that must look like a provider's.
PUBLIC = "93.184.215.14"


def resolver(table: dict, *, suffix_default: tuple[str, list[str]] | None = None):
    """A resolver answering from `table` (name -> addresses, or a list of answers given in
    turn, the last one repeating). With `suffix_default` (".example", [PUBLIC]), other names
    under that suffix get those addresses; any other name does not resolve."""

    def resolve(host, port):
        value = table.get(host)
        if value is None and suffix_default and host.endswith(suffix_default[0]):
            value = suffix_default[1]
        if value is None:
            raise socket.gaierror(socket.EAI_NONAME, "unknown name")
        if value and isinstance(value[0], list):
            value = value.pop(0) if len(value) > 1 else value[0]
        return [ipaddress.ip_address(address) for address in value]

    return resolve
