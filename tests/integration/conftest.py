# SPDX-License-Identifier: MIT
"""pytest fixtures for the integration suite (needs root)."""
import os

import pytest

from netns import Topology


def pytest_collection_modifyitems(config, items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="integration tests need root "
                                "(network namespaces)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture
def topo(tmp_path):
    """Server namespace + one client namespace joined by a veth pair."""
    t = Topology(tmp_path, clients=1)
    try:
        yield t
    finally:
        t.close()


@pytest.fixture
def make_topo(tmp_path):
    """Factory: make_topo(clients=N) for N clients on a bridge."""
    made = []

    def make(clients=1):
        t = Topology(tmp_path / f"t{len(made)}", clients=clients)
        made.append(t)
        return t
    try:
        yield make
    finally:
        for t in made:
            t.close()
