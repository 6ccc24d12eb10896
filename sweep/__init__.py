"""Design-space sweeps of the systolic array (`systolic sweep`): spec parsing, workloads, local and
Dask execution of sweep points, results, resumption and plots. See docs/sweeps.md."""
