"""Code generated at run time (compiled query plans, claim row decoders) shows its own source lines in a
traceback, as code in a file does, so that a failure inside it can be read from the log."""

from __future__ import annotations

import gc
import linecache
import traceback
from typing import Any

from graphql import build_schema, parse
from graphql.execution import Executor

from gateway.executor.compiler import compile_plan
from regions.base.records import ClaimRecord
from regions.base.rows import Decoding, reading


class _Root:
    @property
    def name(self) -> str:
        raise LookupError("no name today")


async def test_a_failure_inside_a_compiled_plan_shows_the_plans_line() -> None:
    schema = build_schema("type Query { name: String }")
    executor = Executor.build(schema, parse("{ name }"), _Root())
    assert isinstance(executor, Executor)
    plan = compile_plan(executor, {})
    result = await plan.run(executor)
    assert result.errors is not None
    error = result.errors[0].original_error
    assert isinstance(error, LookupError)
    frames = traceback.extract_tb(error.__traceback__)
    generated = [frame for frame in frames if frame.filename.startswith("<compiled operation")]
    assert generated, [frame.filename for frame in frames]
    assert generated[-1].line
    assert generated[-1].line in plan.source


def _failing(value: Any) -> Any:
    raise ValueError(f"cannot convert {value!r}")


def test_a_failure_inside_a_row_decoder_shows_the_decoders_line() -> None:
    claim = reading(ClaimRecord, frozenset({"billed_amount"}))
    row = tuple(range(len(claim.columns)))
    decoding = Decoding(date=_failing, money=_failing, utc_datetime=_failing, codes=_failing)
    try:
        claim.decode("SCAL", row, decoding)
    except ValueError as error:
        frame = traceback.extract_tb(error.__traceback__)[-2]
    else:  # pragma: no cover - the decoder must have failed
        raise AssertionError("the decoder converted a value it cannot")
    assert frame.filename.startswith("<reading of ClaimRecord")
    assert frame.line is not None
    assert frame.line.startswith("return ClaimRecord(")


def test_generated_source_leaves_linecache_with_the_code_it_belongs_to() -> None:
    schema = build_schema("type Query { name: String }")
    executor = Executor.build(schema, parse("{ name }"), _Root())
    assert isinstance(executor, Executor)
    plan = compile_plan(executor, {})
    filename = plan.root.__code__.co_filename
    assert linecache.getline(filename, 1)
    del plan
    gc.collect()  # the generated functions and their namespace refer to each other
    assert filename not in linecache.cache
