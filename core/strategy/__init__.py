"""The strategy format (DESIGN.md section 3) and everything that reads, checks, draws and writes it.

- ``schema``      pydantic models, canonical JSON, the vendor JSON Schema;
- ``tolerant``    spelling fixes for what LLMs commonly write (each with a note);
- ``validation``  every rule, all issues at once, with stable codes (``issues.CODES``); the checks
                  themselves are in ``node_checks`` and ``graph_checks``;
- ``valid``       ``ValidStrategy``, the type of a strategy that passed, made only by validation;
- ``operands``    the operand grammar (lark), shared with the backtester;
- ``labels``      one-line node summaries; ``render`` the self-contained graph page;
- ``store``       saved strategies and versions in the studio database;
- ``compiler``    the offline natural-language compiler (Korean and English) and refinement.

Pages and the CLI reach these through ``core.services.strategy_library``.
"""
