"""`python -m bench`: the foundation benchmarks (nation build and resident lookup)."""

from bench.run import main

if __name__ == "__main__":
    main()
