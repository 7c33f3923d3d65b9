"""The demo's data set, made from one seed with no database: `assessor demo` and `issuer demo`
both take it from here, so a demo folder and a demo issuer agree on every id and digest.

`evidence` makes the learners' files (PDF, PNG, text, Python) deterministically; `generator`
decides the catalogue, people, learners and submissions.
"""

from assessor.formats.demo_data.generator import (
    ACHIEVEMENTS,
    ASSESSMENTS,
    CASE_DEMO_RUBRIC,
    DEMO_ASSESSOR,
    DEMO_DAY,
    DEMO_MANAGER,
    DEMO_PEOPLE,
    DEMO_PROCTOR,
    DEMO_SEED,
    Achievement,
    Assessment,
    DemoSet,
    ExamSession,
    Learner,
    Submission,
    demo_rubric_files,
    demo_set,
)

__all__ = [
    "ACHIEVEMENTS",
    "ASSESSMENTS",
    "CASE_DEMO_RUBRIC",
    "DEMO_ASSESSOR",
    "DEMO_DAY",
    "DEMO_MANAGER",
    "DEMO_PEOPLE",
    "DEMO_PROCTOR",
    "DEMO_SEED",
    "Achievement",
    "Assessment",
    "DemoSet",
    "ExamSession",
    "Learner",
    "Submission",
    "demo_rubric_files",
    "demo_set",
]
