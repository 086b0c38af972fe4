"""The bundle's smoke test signs a C2PA image with the provenance tests' throwaway certificate."""

from tests.provenance.conftest import c2pa_sign, c2pa_signing  # noqa: F401 (fixtures)
