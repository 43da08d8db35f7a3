"""Market data, indicators and the backtester (pages and the CLI reach them through core.services).

- data.py         MarketData, the one shape OHLCV travels in
- csv_loader.py   CSV reading and validation with row numbers; exchange.py ccxt with an SQLite cache
- resample.py     coarser timeframes; timeframes.py timeframe strings
- indicators.py   TA-Lib series with a per-backtest cache; evaluate.py operand ASTs over a frame
- plan.py         strategy dict -> executable graph; signals.py trigger and action masks in numpy
- book.py         cash, holding, fills, round trips; backtester.py the simulation; result.py its output
- stats.py        equity curve, metrics and messages of a finished run; metrics.py the definitions
                  and their formulas as text
"""
