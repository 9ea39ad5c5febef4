"""Damaged result records (rsparity.stored) stop the table step with a line naming the file."""

import json

import pytest

from rsparity import record, stored
from rsparity.engine import search
from rsparity.errors import InputError
from rsparity.record import build_record
from rsparity.spec import SearchSpec
from rsparity.studies import result_path
from rsparity.tables import runs_frame

SOLVED = SearchSpec(n=10, sample_size=64, seed=0)
UNSOLVED = SearchSpec(arch="nodiag", n=10, sample_size=64, max_trials=300, seed=1)


@pytest.fixture
def records(tmp_path):
    """Two real records at their workflow paths under tmp_path/results/search."""
    paths = []
    for spec in (SOLVED, UNSOLVED):
        path = tmp_path / result_path(spec)
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(build_record(spec, search(spec)), indent=1))
        paths.append(path)
    return paths


def test_intact_records_make_the_table(records):
    frame = runs_frame(records)
    assert frame["solved"].tolist() == [True, False]  # full sorts before nodiag
    assert frame["trials"].tolist()[1] == 300


def test_required_keys_are_the_records_deterministic_keys():
    assert set(stored.REQUIRED_KEYS) == set(record.DETERMINISTIC_KEYS)


def damaged(path, message):
    with pytest.raises(InputError) as err:
        runs_frame([path])
    text = str(err.value)
    assert text.startswith(f"damaged result record {path}: ") and "\n" not in text
    assert message in text
    assert text.endswith("; delete it and rerun to recompute it")


def edit(path, change):
    rec = json.loads(path.read_text())
    change(rec)
    path.write_text(json.dumps(rec))


def test_truncated_record(records):
    text = records[0].read_text()
    records[0].write_text(text[: len(text) // 2])
    damaged(records[0], "invalid JSON (")


def test_empty_record(records):
    records[0].write_text("")
    damaged(records[0], "invalid JSON (Expecting value at line 1 column 1)")


def test_not_an_object(records):
    records[0].write_text("[1, 2]")
    damaged(records[0], "not a JSON object but list")


@pytest.mark.parametrize("key", ["trials", "heldout_long_accuracy", "params"])
def test_missing_key(records, key):
    edit(records[0], lambda rec: rec.pop(key))
    damaged(records[0], f"missing {key}")


def test_params_of_another_search(records):
    """A record copied to, or edited at, the wrong path: its n says 12, its path n=10."""
    edit(records[0], lambda rec: rec["params"].update(n=12))
    damaged(records[0], "its params belong at 'full/n=12/hidden=2/")


def test_params_of_another_seed(records):
    edit(records[1], lambda rec: rec["params"].update(seed=5))
    damaged(records[1], "/seed5.json' under results/search, not here")


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda r: r["params"].update(n=0), "params: n must be an integer >= 1, got 0"),
        (lambda r: r["params"].update(colour="red"), "params: "),
        (lambda r: r["params"].pop("protocol"), "are not a complete search's"),
        (lambda r: r.update(solved="yes"), "solved must be true or false, got 'yes'"),
        (lambda r: r.update(trials=0), "trials must be an integer from 1 to max_trials="),
        (lambda r: r.update(trials=10.5), "trials must be an integer"),
        (lambda r: r.update(sequence_steps=None), "sequence_steps must be an integer >= trials"),
        (lambda r: r.update(sequence_steps=1), "sequence_steps must be an integer >= trials"),
        (lambda r: r.update(heldout_accuracy=1.5), "heldout_accuracy of a solved search"),
        (lambda r: r.update(train_accuracy=None), "train_accuracy of a solved search"),
        (lambda r: r.update(weights=None), "weights must be an object exactly when solved"),
    ],
)
def test_hand_edited_solved_record(records, change, message):
    edit(records[0], change)
    damaged(records[0], message)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda r: r.update(trials=299), "an unsolved search runs max_trials=300 trials"),
        (lambda r: r.update(heldout_accuracy=0.5), "heldout_accuracy of an unsolved search"),
        (lambda r: r.update(weights={"W_hh": [1]}), "weights must be an object exactly"),
    ],
)
def test_hand_edited_unsolved_record(records, change, message):
    edit(records[1], change)
    damaged(records[1], message)


def test_the_first_damaged_record_is_named(records):
    records[1].write_text("{")
    damaged(records[1], "invalid JSON")
    with pytest.raises(InputError, match=str(records[1])):
        runs_frame(records)
