"""Predict-then-reveal grading."""

from engine.quiz import grade, question_for
from engine.runner import run_script


def _question(statement: str):
    steps = run_script(f"import torch\na = torch.arange(12).reshape(3, 4)\n{statement}\n").steps
    return question_for(steps[-1])


def test_question_holds_the_true_layout():
    q = _question("b = a[1:3, 0:2]")
    assert q.name == "b"
    assert q.truth == {"shape": "(2, 2)", "stride": "(4, 1)", "offset": "4",
                       "contiguous": "no", "kind": "view"}


def test_grading_is_lenient_about_notation():
    q = _question("b = a.t()")
    grades = {g.field: g.correct for g in grade(q, {"shape": "4,3", "stride": "[1 4]",
                                                   "offset": "0", "contiguous": "No",
                                                   "kind": "copy"})}
    assert grades == {"shape": True, "stride": True, "offset": True, "contiguous": True,
                      "kind": False}


def test_unanswered_fields_are_not_graded_and_prints_ask_nothing():
    q = _question("c = a.contiguous().clone()")
    assert [g.field for g in grade(q, {"kind": "copy"})] == ["kind"]
    assert question_for(run_script("import torch\nprint(1)\n").steps[-1]) is None
