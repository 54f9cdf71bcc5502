"""The verifiable lottery (可验证摇号): shuangsuiji-draw-v1, standard library only.

Nothing here imports Django, so `pip install shuangsuiji` is enough for any citizen to run
`shuangsuiji verify`. The normative text is docs/lottery.md.

Public API::

    population_from_rows(rows) -> Population        write_population(rows) -> bytes
    parse_population(data, source=, workers=)       read_population(path, workers=)
    parse_quotas(items) / quota_set(mapping) -> QuotaSet (.line, .resolve(strata))
    new_secret() / commitment_of(secret) / compute_seed(...) / ticket_key(seed, id, t)
    draw(population, task_id=, quotas=, secret=, entropy=, workers=) -> DrawResult
    draw_parallel(..., workers=2) / select_rows(rows, seed=, drawn=) / select_population(...)
    record_dict(result) / dumps_record(result) / record_bytes(result) / loads_record(data)
    verify_record(record, population_bytes) -> VerifyReport / verify_files(record, population)
    sql.draw_sql(table, seed=, quotas=) / sql.digest_sql(table) / sql.strata_sql(table)

The command line lives in `shuangsuiji.lottery.cli` and is imported only on demand.
"""

from .draw import (
    SPEC,
    DrawResult,
    Selected,
    StratumDraw,
    commitment_of,
    compute_seed,
    draw,
    draw_parallel,
    new_secret,
    normalize_entropy,
    select_population,
    select_rows,
    ticket_key,
)
from .errors import (
    DrawInputError,
    ErrorCode,
    InputFileError,
    LotteryError,
    PopulationError,
    QuotaError,
    RecordError,
)
from .population import (
    Population,
    Row,
    find_row,
    parse_population,
    population_from_rows,
    read_population,
    write_population,
)
from .quotas import Quota, QuotaSet, parse_quota, parse_quotas, quota_set
from .record import dumps_record, loads_record, read_record, record_bytes, record_dict
from .verify import Check, VerifyReport, verify_files, verify_record

__all__ = [
    "SPEC",
    "Check",
    "DrawInputError",
    "DrawResult",
    "ErrorCode",
    "InputFileError",
    "LotteryError",
    "Population",
    "PopulationError",
    "Quota",
    "QuotaError",
    "QuotaSet",
    "RecordError",
    "Row",
    "Selected",
    "StratumDraw",
    "VerifyReport",
    "commitment_of",
    "compute_seed",
    "draw",
    "draw_parallel",
    "dumps_record",
    "find_row",
    "loads_record",
    "new_secret",
    "normalize_entropy",
    "parse_population",
    "parse_quota",
    "parse_quotas",
    "population_from_rows",
    "quota_set",
    "read_population",
    "read_record",
    "record_bytes",
    "record_dict",
    "select_population",
    "select_rows",
    "ticket_key",
    "verify_files",
    "verify_record",
    "write_population",
]
