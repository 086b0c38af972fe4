"""`workstation compare` and `workstation index`, run in-process the way the entry point runs."""

from __future__ import annotations

import json

from PIL import Image

from tests.analysis.conftest import make_work, save
from workstation.cli import main
from workstation.core.case import Case


def test_compare_prints_bands_and_sources(images, capsys):
    assert main(["compare", str(images["work"]), str(images["crop"])]) == 0
    out = capsys.readouterr().out
    assert "pHash Hamming distance (64 bits)" in out
    assert "homography found" in out
    assert "no CLIP model configured" in out
    assert "calibrate_bands.py" in out and "not a legal conclusion" in out


def test_compare_json_and_pictures(images, tmp_path, capsys):
    out_dir = tmp_path / "out"
    assert (
        main(
            [
                "compare",
                str(images["work"]),
                str(images["crop"]),
                "--json",
                "--out-dir",
                str(out_dir),
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["keypoints"]["inliers"] > 0
    for name in ("difference_map.png", "registered_difference_map.png", "keypoint_matches.png"):
        assert Image.open(out_dir / name).size[0] > 0
    assert (
        json.loads((out_dir / "pair_report.json").read_text())["image_b"]["sha256"]
        == report["image_b"]["sha256"]
    )


def test_compare_with_clip_model(images, tiny_clip, capsys):
    assert (
        main(
            [
                "compare",
                str(images["work"]),
                str(images["work_jpeg"]),
                "--prompt",
                "shapes",
                "--clip-model",
                str(tiny_clip["checkpoint"]),
                "--clip-arch",
                str(tiny_clip["arch"]),
                "--json",
            ]
        )
        == 0
    )
    clip = json.loads(capsys.readouterr().out)["clip"]
    assert clip["status"] == "computed" and clip["text_similarity_a"] is not None


def test_compare_stores_record_and_pictures_in_case(images, tmp_path, capsys):
    Case.create(tmp_path / "case", title="Comparison", examiner="Ann Examiner").close()
    assert (
        main(
            ["compare", str(images["work"]), str(images["other"]), "--case", str(tmp_path / "case")]
        )
        == 0
    )
    assert "comparison record #" in capsys.readouterr().out
    with Case.open(tmp_path / "case") as case:
        (record,) = case.records("comparison")
        artifacts = {a.id: a for a in case.artifacts()}
        assert "artifacts" not in record.payload  # its links say what it used and made
        inputs = {k.label: artifacts[k.artifact_id] for k in record.linked("input")}
        figures = {k.label: artifacts[k.artifact_id] for k in record.linked("figure")}
        assert inputs["image_a"].sha256 == record.payload["report"]["image_a"]["sha256"]
        assert inputs["image_b"].sha256 == record.payload["report"]["image_b"]["sha256"]
        assert figures["difference_map"].media_type == "image/png"
        assert "keypoint_matches" in figures
        assert case.verify(log=False).ok


def test_bad_input_exits_2_with_one_line(tmp_path, images, capsys):
    broken = tmp_path / "broken.png"
    broken.write_text("no")
    assert main(["compare", str(broken), str(images["work"])]) == 2
    assert capsys.readouterr().err.startswith("error: not a readable image")

    dot = tmp_path / "dot.png"
    Image.new("RGB", (1, 1)).save(dot)
    assert main(["compare", str(dot), str(images["work"])]) == 2
    assert "1×1 pixels" in capsys.readouterr().err

    assert (
        main(
            [
                "compare",
                str(images["work"]),
                str(images["work"]),
                "--clip-model",
                str(tmp_path / "nothing.safetensors"),
            ]
        )
        == 2
    )
    assert "never downloaded" in capsys.readouterr().err


def test_index_build_and_query(tmp_path, capsys):
    folder = tmp_path / "works"
    for seed in range(6):
        save(make_work(200 + seed, (200, 200)), folder / f"w{seed}.png")
    index = tmp_path / "works.npz"
    assert main(["index", "build", str(folder), "--out", str(index)]) == 0
    assert "6 hashed" in capsys.readouterr().out
    assert main(["index", "build", str(folder), "--out", str(index), "--quiet"]) == 0
    assert "0 hashed, 6 unchanged" in capsys.readouterr().out

    query = save(make_work(203, (200, 200)), tmp_path / "q.jpg", quality=60)
    assert main(["index", "query", str(index), str(query), "-k", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["results"]["phash"][0]["path"] == "w3.png"
    assert len(result["results"]["phash"]) == 3

    assert main(["index", "query", str(index), str(query)]) == 0
    assert "1.   " in capsys.readouterr().out


def test_compare_refuses_a_missing_case_before_measuring(images, tmp_path, capsys):
    assert (
        main(
            [
                "compare",
                str(images["work"]),
                str(images["other"]),
                "--case",
                str(tmp_path / "no-case"),
            ]
        )
        == 2
    )
    assert "is not a folder" in capsys.readouterr().err
