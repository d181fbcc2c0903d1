"""Speed benchmarks: engine, API and page, as ratios against baselines run alongside."""
