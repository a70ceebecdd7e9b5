"""Predict-then-reveal grading."""

from stridescope.engine.interpret.runner import run_script
from stridescope.engine.teaching.quiz import grade, question_for


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


def test_chosen_questions_error_value_equal_output():
    steps = run_script("import torch\na = torch.zeros(2, 2)\na[0, 1] = 7\nb = a.clone()\n"
                       "print(torch.equal(a, b), a.stride())\nc = a.view(3)\n").steps
    write, copy, printed, failed = steps[2], steps[3], steps[4], steps[5]
    assert question_for(write, "value a[0, 1]").truth == {"value": "7.0"}
    assert grade(question_for(write, "value a[0, -1]"), {"value": "7"})[0].correct
    assert question_for(write, "value a[0]") is None  # a row is not one number
    assert question_for(printed, "equal a b").truth == {"equal": "yes"}
    assert question_for(printed, "error").truth == {"error": "no"}
    assert question_for(failed, "error").truth == {"error": "yes"}
    assert question_for(failed) is None  # nothing was made: no layout question
    output = question_for(printed, "output")
    assert grade(output, {"output": "true, (2, 1)"})[0].correct
    assert not grade(output, {"output": "False (2, 1)"})[0].correct
    assert question_for(copy, "none") is None
    assert question_for(copy).kind == "layout"
    for bad in ("maybe", "equal a", "value a[i]"):
        try:
            question_for(write, bad)
        except ValueError:
            continue
        raise AssertionError(bad)
