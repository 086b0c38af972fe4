"""Studies: sweeps over one generation parameter that show how images arise and what they copy.

    runner.py       items made once, each stored in the case as it is finished (a generation
                    record with its key), reused only when that record proves it; the study
                    record in one transaction at the end
    sweep.py        many outputs measured against one reference, plotted, stored (shared by the
                    strength, LoRA-scale and seed studies)
    metrics.py      the registry's study metrics against a reference, and their bands
    plots.py        matplotlib plots, histograms and labelled image grids (200-dpi PNG)
    trajectory.py   every denoising step of one generation as a labelled grid
    strength.py     img2img strength sweep against the source image
    lora_scale.py   LoRA scale sweep against a reference work
    seeds.py        seed sweep / memorisation test against a reference work

Each study is a frozen settings object and a plain `run(case, study, on_progress=…,
is_cancelled=…)` returning a `StudyOutcome`; no Qt.
"""
