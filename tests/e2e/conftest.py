# SPDX-License-Identifier: MIT
"""pytest fixtures for the end-to-end suite: QEMU VMs booting through a
server in network namespaces (needs root). The boots run one after another
(2 cores); the assets (kernel, initramfs, the tree's ISO image, GRUB image)
are built once per session."""
import os

import pytest

import e2e_boot


def pytest_collection_modifyitems(config, items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="e2e tests need root "
                                "(network namespaces, tap devices)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def assets(tmp_path_factory):
    return e2e_boot.Assets(str(tmp_path_factory.mktemp("assets")))


@pytest.fixture
def boot(tmp_path, assets):
    """boot(server, firmware, mac=...) -> a finished e2e_boot.Boot, its
    stage times printed (pytest -s, or the junit log's stdout)."""
    def run(server, firmware, mac=e2e_boot.VM_MAC, **kw):
        try:
            b = e2e_boot.boot_once(str(tmp_path / f"{server}-{firmware}"),
                                   assets, server, firmware, mac=mac, **kw)
        except e2e_boot.FeatureMissing as e:
            # Only a service pxed does not have at all (no socket bound, or
            # `pxed check` rejects its config section): never a failure.
            pytest.skip(str(e))
        print(b.report())
        print("stages:\n" + e2e_boot.format_durations(b))
        return b
    return run
