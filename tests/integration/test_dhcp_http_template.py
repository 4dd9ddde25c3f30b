# SPDX-License-Identifier: MIT
"""A template served over HTTP knows the client by its DHCP lease: a
machine with no fixed address gets its own MAC and [host] name in its
kickstart (one kickstart file for many machines)."""
from dhcp_clients import udhcpc
from dhcp_fixtures import dtopo, start_dhcp  # noqa: F401
from netns import SERVER_ADDR, base_config


def test_template_knows_leased_client(dtopo):
    root = dtopo.path("www")
    dtopo.write("www/ks.cfg.tmpl",
                "mac=${mac} host=${host} ip=${client_ip}\n")
    conf = base_config(dtopo.tmp, extra=f"""
[host web1]
mac = 52:54:00:00:00:01

[http]
root = {root}
""")
    start_dhcp(dtopo, conf)
    client = dtopo.clients[0]
    env = udhcpc(client, dtopo.tmp)
    ip = env["ip"]
    client.run("ip", "addr", "add", f"{ip}/24", "dev", "c0")
    got = client.run("curl", "-sS", "--max-time", "10",
                     f"http://{SERVER_ADDR}/ks.cfg").stdout
    assert got == f"mac=52:54:00:00:00:01 host=web1 ip={ip}\n", got
