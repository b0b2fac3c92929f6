"""psm benchmarks (issue 7): `python -m bench --scale N`, or `make bench SCALE=N`."""
