"""Every service operation is marked with what it does, and what it does is in the policy."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import assessor.demo
import assessor.services
from assessor.domain.policy import POLICY
from assessor.services.access import OPERATIONS

# Parameters that make a function a use case on the store.
STORE_PARAMETERS = {"db", "tx"}


def service_functions() -> list[str]:
    found = []
    packages = [(assessor.services, "assessor.services."), (assessor.demo, "assessor.demo.")]
    infos = [i for p, prefix in packages for i in pkgutil.iter_modules(p.__path__, prefix)]
    for module_info in infos:
        module = importlib.import_module(module_info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameters = list(inspect.signature(fn).parameters)
            if parameters and parameters[0] in STORE_PARAMETERS:
                found.append(f"{module.__name__}.{fn.__qualname__}")
    return found


def test_every_service_operation_is_marked() -> None:
    functions = service_functions()
    assert len(functions) > 15  # the discovery itself works
    unmarked = [f for f in functions if f not in OPERATIONS]
    assert not unmarked, f"mark these with @operation(...): {unmarked}"


def test_every_marked_operation_has_policy_entries() -> None:
    missing = {f: op for f, op in OPERATIONS.items() if op is not None and not POLICY.get(op)}
    assert not missing, f"operations with no allowed cell in domain/policy.py: {missing}"


def test_the_writing_services_are_guarded() -> None:
    """The use cases that change what a person signs or scores are not marked as reads."""
    for name in (
        "assessor.services.scoring.save_draft",
        "assessor.services.finalize.finalize",
        "assessor.services.finalize.start_correction",
        "assessor.services.profiles.create_profile",
        "assessor.services.rubrics.import_rubric",
        "assessor.services.records.export_record",
        "assessor.services.verify.verify_store",
        "assessor.services.exam_sessions.create_session",
        "assessor.services.exam_sessions.import_roster",
        "assessor.services.exam_sessions.check_in",
        "assessor.services.exam_sessions.record_movement",
        "assessor.services.exam_sessions.log_incident",
        "assessor.services.exam_sessions.set_outcome",
        "assessor.services.exam_seal.seal_session",
        "assessor.services.exam_seal.amend_session",
    ):
        assert OPERATIONS[name] is not None, name
