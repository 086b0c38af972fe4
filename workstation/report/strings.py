"""Every word the report prints, one table per language. English is the default.

Strings are literal and formatted after lookup (`strings("exhibit_heading", n=3, name=...)`).
Both tables have the same keys; a test checks it. What each similarity metric is called and
what it measures comes from the metric itself (`analysis/metrics/`, English and Chinese in one
place), not from these tables. Values that come from the case (titles, notes,
prompts, the comparison's band rules and sources) are printed as recorded, in whatever language.
"""

from __future__ import annotations

import string

LANGUAGES = ("en", "zh")

EN: dict[str, str] = {
    # Page furniture
    "page_x_of_y": "Page {page} of {total}",
    "footer_report_id": "Report ID {report_id}",
    "banner_unverified": "UNVERIFIED on this page:",
    "and_more": "and {count} more",
    # Cover
    "report_title_default": "Evidence report: {case}",
    "case_title": "Case title",
    "case_id": "Case ID",
    "examiner": "Examiner",
    "organisation": "Organisation",
    "created_utc": "Date and time (UTC)",
    "created_local": "Date and time (local)",
    "report_id": "Report ID",
    "software": "Software",
    "chain_head": "Audit chain head",
    "chain_head_value": "entry #{seq}: {hash}",
    "scope_heading": "Scope",
    "scope": (
        "This report presents {exhibits:exhibit|exhibits} from the case \u201c{case}\u201d "
        "and {records:record|records} of work done with them ({kinds}), as held in the case on "
        "{date} up to audit-log entry #{seq}. It describes the evidence, the measurements made "
        "and the methods used; it states no legal conclusions. Images are embedded from the case's "
        "stored files without lossy re-compression (PNG and similar formats losslessly, JPEG "
        "files with their original data), scaled to the page with their aspect ratio kept. The "
        "appendix lists every file in the case with its SHA-256, the model files used and the "
        "complete audit log."
    ),
    "kinds_none": "none",
    "kind_count": "{kind}: {count}",
    "list_separator": ", ",
    "warning_no_cjk": (
        "No font with Chinese (CJK) characters was found on this computer: such characters are "
        "shown as code points, e.g. [U+4E2D]. Install fonts-wqy-microhei (Debian/Ubuntu) or put "
        "a TrueType CJK font into resources/fonts."
    ),
    "warning_lang_fallback": (
        "Chinese labels were asked for, but no CJK font was found: the report uses English labels."
    ),
    "warning_unverified": (
        "Built with --allow-unverified: {count:artifact|artifacts} failed verification and are "
        "marked "
        "in red on every page where they appear."
    ),
    "warning_case_problems": (
        "The case failed verification ({count:problem|problems}); see section 1. Built with "
        "--allow-unverified."
    ),
    "contents": "Contents",
    "pdf_subject": "Evidence report for case {case_id} ({case})",
    # Integrity
    "verify_ok": (
        "Verification before this report was laid out: every stored file matches its SHA-256, "
        "every record matches its audit entry, and the audit chain is intact."
    ),
    "verify_failed": (
        "Verification before this report was laid out FAILED: {count:problem|problems}."
    ),
    "objects_checked": "Stored files re-hashed",
    "records_checked": "Records checked",
    "entries_checked": "Audit entries checked",
    "contents_summary": (
        "This report shows {exhibits:exhibit|exhibits}, {comparisons:comparison|comparisons}, "
        "{generations:generation|generations}, {studies:study|studies} and "
        "{others:other record|other records}. The case holds {artifacts:artifact|artifacts} and "
        "{records:record|records} in all."
    ),
    "how_to_verify": (
        "Anyone holding a copy of the case can check it: \u201cworkstation case verify\u201d "
        "re-hashes every file and walks the audit chain. Section {method} explains the methods "
        "and how to check this report itself."
    ),
    # Exhibits
    "exhibits": "Exhibits",
    "case_empty": "The case holds no artifacts.",
    "no_records": "The case holds no records of comparisons, generations or studies.",
    "exhibits_intro": (
        "{count:exhibit follows|exhibits follow}, each with its image (where the file is an "
        "image), its SHA-256, its dimensions, its role in the case and where it came from."
    ),
    "exhibit_heading": "Exhibit {n} \u2014 {name}",
    "exhibit_caption": "Exhibit {n}. {name} ({role}).",
    "exhibit_ref": "Exhibit {n} ({name})",
    "exhibit": "Exhibit",
    "exhibit_short": "Exhibit {n}",
    "artifact_short": "artifact #{id}",
    "artifact_ref": "artifact #{id} ({name})",
    "file_ref": "stored file {sha}\u2026",
    "not_an_image": "Not an image ({media_type}): identified by its SHA-256 only.",
    "artifact": "Artifact",
    "file_size": "File size",
    "bytes": "{n} bytes",
    "dimensions": "{w} \u00d7 {h} px",
    "dimensions_type": "Dimensions, type",
    "role": "Role",
    "role_reference": "reference",
    "role_disputed": "disputed",
    "role_generated": "generated",
    "role_other": "other",
    "role_report": "report",
    "original_name": "Original name",
    "original_path": "Original path",
    "imported": "Imported (UTC)",
    "audit_entry_by": "(audit entry #{seq}, by {actor})",
    "note": "Note",
    "integrity": "Integrity",
    "integrity_ok": "stored file matches its SHA-256",
    "shown_in": "Also shown in",
    "problem_missing": "UNVERIFIED: the stored file is missing",
    "problem_altered": "UNVERIFIED: the stored file has changed (it now hashes to {actual})",
    "problem_row": "UNVERIFIED: the artifact's record differs from its import entry in the log",
    "image_missing": "Image not available: no stored file {sha}\u2026 in the case.",
    "image_unreadable": (
        "Image cannot be displayed: stored file {sha}\u2026 is not a readable image."
    ),
    "note_first_frame": "Animated image with {frames} frames: the first frame is shown.",
    "note_orientation": (
        "The file carries EXIF orientation {value}; it is shown as stored, without rotating it."
    ),
    "note_converted": (
        "Stored as {mode}; shown converted to 8 bits per channel. The stored file is unchanged."
    ),
    "note_16bit": (
        "Stored with {bits} bits per channel; shown with 8. The stored file is unchanged."
    ),
    # Records
    "comparisons": "Comparisons",
    "generations": "Generations",
    "studies": "Studies",
    "other_records": "Other records",
    "comparison_n": "Comparison {n}: {a} vs {b}",
    "generation_n": "Generation {n}: {summary}",
    "study_n": "Study {n}: {summary}",
    "record_n": "Record #{id} ({kind})",
    "record_line": "Record #{id} ({kind}), created {created} UTC; payload SHA-256 {sha}",
    "record_changed": "UNVERIFIED: this record's content no longer matches its audit entry.",
    "rows_left_out": (
        "{count:further value|further values} not shown; the full record is in the case."
    ),
    "recorded_details": "Further recorded values",
    "empty_record": "The record holds no values.",
    "referenced_images": "Images the record refers to",
    "image_not_stored": "Image {name} is not stored in the case (recorded path: {path}).",
    "metrics_heading": "Measurements",
    "metric": "Metric",
    "value": "Value",
    "band": "Band",
    "band_rule": "Band rule",
    "source": "Source",
    "threshold_sources": "Sources of the thresholds",
    "band_near-duplicate": "near-duplicate",
    "band_similar": "similar",
    "band_different": "different",
    "band_no band": "no band",
    "bands_notice": (
        "Bands name ranges of a measurement. They are not a finding that one image was copied "
        "from the other and not a legal conclusion."
    ),
    "pictures_not_stored": "The pictures of this comparison were not stored with it.",
    "hash_values": "Hash values",
    "hash": "Hash",
    "distance": "Distance",
    "similarity_value": "similarity {value}",
    "keypoint_summary": "Keypoints: {inliers} inliers of {matches} matches; {status}.",
    "difference_summary": (
        "Difference: mean {mean} of full scale; {changed} of pixels changed noticeably."
    ),
    "generated_image": "Generated image",
    "output_not_stored": "The generated image is not stored in the case.",
    "parameters": "Parameters",
    "trajectory": "Denoising trajectory",
    "trajectory_intro": (
        "{kept:kept step|kept steps} of {total}, from noise towards the final image."
    ),
    "step_n_of_total": "Step {n} / {total}",
    "mode": "Mode",
    "model": "Model",
    "model_path": "Model file",
    "model_kind": "Architecture / format",
    "model_sha256": "Model SHA-256",
    "model_short_hashes": "Model short hashes",
    "lora": "LoRA",
    "lora_value": "{name}, scale {scale}",
    "prompt": "Prompt",
    "negative_prompt": "Negative prompt",
    "seed": "Seed",
    "steps": "Steps",
    "steps_run": "{n} run",
    "sampler": "Sampler",
    "sampling_convention": "Sampling followed",
    "param_convention": "Convention followed",
    "param_schedule": "Sigma schedule",
    "param_prompt_syntax": "Prompt syntax",
    "param_noise": "Noise source",
    "param_ensd": "Eta noise seed delta (ENSD)",
    "param_subseed": "Variation seed",
    "param_subseed_strength": "Variation strength",
    "param_batch_size": "Batch size",
    "param_batch_index": "Item of the batch (from 0)",
    "param_hires": "Hires pass",
    "param_refiner": "Refiner",
    "param_embeddings": "Textual-inversion files",
    "convention_workstation": "the workstation's own (diffusers schedulers)",
    "convention_a1111": "AUTOMATIC1111 / Forge (k-diffusion)",
    "convention_comfyui": "ComfyUI",
    "convention_detail": "{who}: {sampler} with {schedule} sigmas, noise {noise}",
    "cfg": "CFG scale",
    "size": "Size",
    "clip_skip": "CLIP skip",
    "init_image": "Init image",
    "strength": "Strength",
    "device": "Device",
    "dtype": "Precision",
    "versions": "Software versions",
    "platform": "Platform",
    "study": "Study",
    "plot_caption": "Plot of the series in record #{id}.",
    "study_images": "Images of the study",
    "study_grid": "The study's images",
    "study_plot": "The study's plot",
    "study_table": "Measurements",
    "study_rows_left_out": ("{count:further row|further rows} not shown; all rows are in {where}."),
    "image": "Image",
    "near_duplicate_label": "In the near-duplicate band by {metric}",
    "near_duplicate_value": "{count} of {of} outputs ({share})",
    # Reproductions
    "reproduction_n": "Comparison {n}: {a} and its reproduction",
    "reproduction_intro": (
        "The generation settings recorded in {a} were run again with the model files found by "
        "their recorded hashes, and the result (B) was compared with the image (A)."
    ),
    "reproduction_exact": "Exact match: all {w} × {h} pixels of the reproduction equal the image.",
    "reproduction_differs": (
        "Not identical: {equal} of the pixels are equal, {changed} differ by more than "
        "{level}/255; mean difference {mean}/255, largest {max}/255, PSNR {psnr}."
    ),
    "reproduction_sizes": "Not identical: the image is {a}, the reproduction {b}.",
    "models_found": "Model files",
    "model_role": "Role",
    "recorded": "Recorded",
    "matched_by": "Found by",
    "not_found": "not found",
    "by_name_only": "name only",
    "reproduction_notes": "Notes",
    # Methodology
    "methodology": "Methodology",
    "method_intro": (
        "This section describes how the measurements and images in this report were produced and "
        "what they can and cannot show. It states facts about methods and draws no legal "
        "conclusion."
    ),
    "method_diffusion_title": "How diffusion models generate images",
    "method_diffusion": (
        "A latent diffusion model such as Stable Diffusion starts from random noise, drawn by a "
        "pseudo-random generator from a number called the seed, and removes that noise in a "
        "series of steps. At each step a neural network (the U-Net) predicts the noise in the "
        "current state, and a sampler (scheduler) uses the prediction to compute a slightly less "
        "noisy state. The text prompt is turned into numbers by a text encoder (CLIP), and the "
        "U-Net is conditioned on them at every step; the guidance scale (CFG) sets how strongly "
        "each step is pushed towards the prompt and away from the negative prompt. The steps run "
        "in a compressed latent space; a decoder (the VAE) turns the final state into pixels."
        "\n\n"
        "The same model file, prompt, seed, sampler, number of steps, guidance scale and size, "
        "with the same software on the same kind of device, give the same image. Intermediate "
        "states can be decoded as well: a denoising trajectory in this report shows such states "
        "(\u201cStep n / N\u201d) on the way from noise to the final image."
    ),
    "method_img2img_title": "Image-to-image generation and strength",
    "method_img2img": (
        "Image-to-image generation starts from an existing image instead of pure noise: the image "
        "is encoded into the latent space and noise is added to it. The strength, between 0 and "
        "1, sets how much: with strength s and N steps, about s \u00d7 N denoising steps are run "
        "from a correspondingly noisy version of the input. At low strength the result keeps the "
        "composition, shapes and colours of the input image; at high strength it keeps less of "
        "it and the prompt has more influence."
    ),
    "method_lora_title": "LoRA",
    "method_lora": (
        "A LoRA (low-rank adaptation) is a small file of weight changes added to some layers of a "
        "model, usually the U-Net's attention layers and sometimes the text encoder. It is "
        "trained on a set of images to move the model's output towards a subject or a style. Its "
        "scale multiplies the change: 0 leaves the base model unchanged, 1 applies the change as "
        "trained. A LoRA is identified here by the SHA-256 of the whole file and by its "
        "\u201caddnet\u201d hash (the SHA-256 of its tensor data only), which other tools write "
        "into image metadata."
    ),
    "method_reproduction_title": "Model files and reproduction",
    "method_reproduction": (
        "Model files are identified by the SHA-256 of the whole file. The \u201cModel hash\u201d "
        "that AUTOMATIC1111 writes into images and Civitai's \u201cAutoV2\u201d are its first 10 "
        "hexadecimal digits; \u201cAutoV1\u201d is an older hash of 64 KiB of the file. For a "
        "LoRA, AUTOMATIC1111 writes the first 12 digits of a hash of its tensor data (kohya's "
        "\u201caddnet\u201d hash). A reproduction looks for the files an image names by these "
        "hashes and by name only when no hash matches, and says which way each file was found. "
        "It is exact only when every parameter and the software match; other library versions, "
        "hardware or even the number of CPU threads can change pixels slightly, so the report "
        "lists the versions, the device and the thread count used."
    ),
    "method_studies_title": "Studies",
    "method_studies": (
        "A study generates a series of images that differ in one parameter and measures each "
        "with the study metrics of a comparison ({metrics}; those that need a CLIP model only "
        "when one is configured). "
        "The denoising trajectory shows every intermediate step of one generation. The img2img "
        "strength sweep shows how much of a source image survives at each strength. The LoRA "
        "scale sweep shows how strongly a LoRA pulls outputs towards a reference work. The seed "
        "sweep generates many images from one prompt and counts how many come as close to a "
        "reference work as the near-duplicate band; a model that has memorised a work reproduces "
        "it for many seeds.\n\nEach generation of a study is stored with its parameters, so any "
        "image in it can be generated again; the plot, the image grid and the numbers (CSV and "
        "JSON) are stored beside them."
    ),
    "method_metrics_title": "Similarity measurements",
    "method_metrics_intro": (
        "A comparison reports several independent measurements of two images, A and B. Each "
        "describes one aspect of similarity; none of them alone shows whether one image was "
        "derived from the other."
    ),
    "measures": "What it measures",
    "limits": "Limits",
    "method_bands_title": "Bands and thresholds",
    "method_bands": (
        "Each measured value is placed in a band (near-duplicate, similar, different) by "
        "thresholds that are printed next to the value together with their source. A band names "
        "a range of a measurement; it is not a finding that one image was copied from the other "
        "and not a legal conclusion."
    ),
    "method_integrity_title": "Integrity of the case and of this report",
    "method_integrity": (
        "Every file in the case is stored under its SHA-256 and never modified. Every action is "
        "entered in an append-only audit log in which each entry's hash covers the entry and the "
        "hash of the entry before it, so changing, inserting or removing an entry changes every "
        "later hash; the newest hash, the chain head, is printed in this report. Before this "
        "report was laid out, every stored file was hashed again and compared with its recorded "
        "SHA-256, and the audit chain was checked."
        "\n\n"
        "This PDF is stored in the case as a read-only file named by its SHA-256, and its report "
        "record in the audit log holds that SHA-256; an exported copy has it in {name}.sha256 "
        "beside it (\u201csha256sum -c {name}.sha256\u201d recomputes it). The PDF also carries "
        "the case ID, the report ID and the chain head printed here in machine-readable form "
        "(document information and the attached file workstation-anchor.json): "
        "\u201cworkstation report-verify REPORT.pdf --case CASE\u201d checks a copy against the "
        "case, and \u201cworkstation case verify CASE --against REPORT.pdf\u201d re-hashes every "
        "file of the case, walks the audit chain and checks that it still holds the chain head "
        "this report was made from."
    ),
    # Appendix
    "appendix": "Appendix",
    "manifest_heading": "A. Manifest of the case's files",
    "manifest_intro": (
        "All {count:artifact|artifacts} of the case, in the order they were imported."
    ),
    "file_size_bytes": "Size (bytes)",
    "imported_utc": "Imported (UTC)",
    "models_heading": "B. Model and LoRA files",
    "models_intro": "Every model and LoRA file named by a generation record, with its hashes.",
    "no_model_files": "No generation record in the case names a model or LoRA file.",
    "kind": "Kind",
    "kind_model": "model",
    "kind_lora": "LoRA",
    "file": "File",
    "other_hashes": "Other hashes",
    "used_in": "Used in",
    "audit_heading": "C. Audit log",
    "audit_intro": (
        "All {count} entries of the case's audit log at the time of this report. Each entry's "
        "hash is SHA-256(previous hash + canonical JSON of the entry)."
    ),
    "time_utc": "Time (UTC)",
    "actor": "Actor",
    "action": "Action",
    "details_and_hash": "Details and entry hash",
    # Translation: text the workstation writes into a case (report/recorded.py). The English
    # entry is the pattern as the software writes it; fields hold its values.
    "machine_registered": (
        "registered comparison: B warped onto A's {w}×{h} frame by the keypoint homography; "
        "compared over the {share} of A that B covers"
    ),
    "machine_registered_small": "homography places B over too little of A: no registered SSIM",
    "machine_discarded": "discarded in the window",
    "machine_a_reduced": "A reduced from {w0}×{h0} to {w}×{h} for {users}",
    "machine_b_resized": "B resized from {w0}×{h0} to {w}×{h} for {users}",
    "machine_b_resized_aspect": (
        "B resized from {w0}×{h0} to {w}×{h} for {users}; aspect ratio {before} → {after}"
    ),
    "machine_animated": "animated {format} with {frames} frames: the first frame is used",
    "machine_orientation": "EXIF orientation {value} applied ({how})",
    "machine_bits": "{bits}-bit per channel: Pillow reduced it to 8-bit (high byte)",
    "machine_alpha": "alpha channel: {share} of pixels not fully opaque; composited on white",
    "machine_alpha_opaque": "alpha channel fully opaque; dropped",
    "machine_icc": "embedded ICC colour profile present but not applied",
    "machine_float": "32-bit float greyscale stretched from [{low}, {high}] to 8-bit",
    "machine_grey_scaled": "{mode} ({bits}-bit) greyscale scaled to 8-bit",
    "machine_palette": "palette image expanded to RGB",
    "machine_palette_alpha": "palette image expanded to RGB with alpha",
    "machine_cmyk": "CMYK converted to RGB by Pillow's plain formula (no colour management)",
    "machine_bilevel": "bilevel (1-bit) image converted to RGB",
    "machine_greyscale": "greyscale converted to RGB",
    "machine_to_rgba": "{mode} converted to RGBA",
    "machine_to_rgb": "{mode} converted to RGB",
    "machine_in_memory": "in-memory array; SHA-256 taken over the raw RGB bytes",
    "machine_homography": "homography found",
    "machine_homography_mirrored": "homography found (B mirrored)",
    "machine_few_keypoints": "too few keypoints to match",
    "machine_few_matches": "{count} matches: too few for a homography",
    "machine_no_geometry": "no consistent geometry ({inliers} inliers < {needed})",
    "machine_keypoints_small": "not run: keypoint matching needs at least {w}×{h} pixels",
    "machine_no_clip": "no CLIP model configured: CLIP similarity was not computed",
    "machine_no_clip_prompt": (
        "no CLIP model configured: CLIP similarity was not computed; the prompt was therefore "
        "not compared with the images"
    ),
    "machine_clip_status_none": "not configured",
    "machine_clip_status_done": "computed",
    "machine_generated": "generated, seed {seed}",
    "machine_step_decoded": "denoising step {step}/{total} (VAE decode), seed {seed}",
    "machine_step_preview": (
        "denoising step {step}/{total} (latent preview, approximate colours), seed {seed}"
    ),
    "machine_init_image": "init image (img2img)",
    "machine_compared_as": "compared as {side}",
    "machine_picture": "{picture}: A {a} vs B {b}",
    "machine_lab_samples": "over-fitting lab: samples vs nearest, n={n}",
    "machine_lab_plot": "over-fitting lab: plot",
    "machine_lab_title": "Over-fitting lab: near-copies vs training-set size",
    "machine_wm_sd1": "Stable Diffusion 1.x reference scripts (CompVis txt2img.py)",
    "machine_wm_sd2": (
        "Stable Diffusion 2.x reference scripts (Stability-AI/stablediffusion txt2img.py)"
    ),
    "machine_wm_sgm": "SDXL: Stability generative-models (sgm WatermarkEmbedder)",
    "machine_wm_diffusers": (
        "SDXL: diffusers StableDiffusionXLWatermarker (RGB handed over as BGR)"
    ),
    "machine_wm_rule_sdxl": (
        "Stability generative-models scripts/demo/detect.py: <= 27 of 48 bits 'No watermark "
        "detected', 28-33 'Partial watermark match', >= 34 'Likely' / 'Very likely watermarked'"
    ),
    "machine_wm_rule_binomial": (
        "binomial (no published reader): detected when P(>= this many bits agree by chance, "
        "p = 1/2) < 1e-6, inconclusive when < 1e-2"
    ),
    "machine_wm_rule_sd1": (
        "CompVis scripts/tests/test_watermark.py: the 136 bits decode as UTF-8 to the message "
        "(all bits); fewer agreeing bits are inconclusive when P(>= this many by chance, p = 1/2) "
        "< 1e-6"
    ),
    "machine_series_mean": "{metric} (mean of {count} seeds)",
    "machine_item": "{item}",
    "machine_metric_values": "{values}",
    "machine_input_label": "{reference}",
    "plot_redrawn": (
        "Drawn for this report from the numbers in the record; the study's own plot is {ref}."
    ),
    "plot_band_line": "{band} band",
    "grid_redrawn": (
        "laid out for this report from the images the record names; the study's own grid is {ref}."
    ),
    "band_of": "Band ({metric})",
    "near_duplicate_rule": "{share}; {rule}",
    "summary_outputs": "Outputs measured",
    "summary_highest_strength_all_phash_near_duplicate": (
        "Highest strength at which every output is a pHash near-duplicate"
    ),
    "summary_closest": "Closest output",
    "machine_a1111_clip_skip": "A1111 omits Clip skip when it is 1, its default",
    "machine_a1111_img2img": (
        "A1111 records no mode: 'Denoising strength' without hires settings means img2img"
    ),
    "machine_a1111_txt2img": (
        "A1111 records no mode: no 'Denoising strength' outside a hires pass"
    ),
    "machine_a1111_rng": "A1111 omits RNG when it is GPU, its default",
    "machine_a1111_ensd": "A1111 omits ENSD when it is 0, its default",
    "machine_a1111_schedule": (
        "no 'Schedule type': the sampler's own name says it, or the model's own sigmas "
        "(Uniform) as before A1111 1.9"
    ),
    "machine_a1111_upscaler": "A1111's default upscaler, Latent",
    "machine_a1111_hires_steps": "A1111 omits Hires steps when 0: the first pass's",
    "machine_comfy_sampler": "mapped from ComfyUI {name}",
    "machine_stage_first": "first pass",
    "machine_stage_hires": "Hires fix",
    "prov_field_noise": "Noise source",
    "prov_field_eta_noise_seed_delta": "Eta noise seed delta (ENSD)",
    "prov_field_scheduler": "Sigma schedule",
    "prov_field_hires steps": "Hires steps",
    "prov_field_hires upscaler": "Hires upscaler",
    "prov_field_refiner_switch_by": "Refiner switch",
    "prov_field_mode": "Mode",
    "machine_final_image": "final image",
    "summary_steps": "Steps",
    "summary_first_step_within_ssim_0.99_and_phash_0_of_final": (
        "First step within SSIM 0.99 and pHash distance 0 of the final image"
    ),
    "summary_closest_seed": "Seed of the closest output",
    "summary_closest_ssim": "SSIM of the closest output",
    "summary_closest_phash_distance": "pHash distance of the closest output",
    "summary_median_ssim": "Median SSIM",
    "summary_min_phash_distance": "Smallest pHash distance",
    "machine_reproduced": "reproduced image",
    "clip_message": "CLIP: {message}",
    "machine_report": "report {report_id}",
    "machine_reproduction": "reproduction of {sha}, seed {seed}",
    "machine_reproduction_picture": "{picture}: disputed vs reproduction",
    "machine_study_item": "{title}: {item}",
    "machine_study_plot": "{title}: plot",
    "machine_study_grid": "{title}: outputs",
    "machine_study_csv": "{title}: numbers (CSV)",
    "machine_study_json": "{title}: numbers and summary (JSON)",
    "machine_study_steps": "{title}: every step, labelled",
    "machine_study_steps_plot": "{title}: steps against the final image",
    "machine_study_input": "{reference} of the {title}",
    "machine_trajectory_input": "init image of a trajectory",
    "machine_title_strength": "img2img strength sweep",
    "machine_title_lora": "LoRA scale sweep ({name})",
    "machine_title_seeds": "Seed sweep, {count} seeds (memorisation test)",
    "machine_title_trajectory": "Denoising trajectory, seed {seed}",
    "machine_about_strength": (
        "{seeds} seed(s) × {strengths} strength(s) of img2img from one source image; each "
        "output measured against the source. Lower strength keeps more of the source."
    ),
    "machine_about_lora": (
        "LoRA {name} at {scales} scale(s), {seeds} seed(s), one prompt; each output measured "
        "against the reference. Scale 0 is the base model without the LoRA."
    ),
    "machine_about_seeds": (
        "{count} seeds of one prompt; each output measured against the reference. The "
        "histograms show how close outputs come; the grid shows the closest."
    ),
    "machine_about_trajectory": (
        "All {total} denoising steps of one generation, each fully VAE-decoded; each step "
        "measured against the final image."
    ),
    # The parameters a study sweeps, in its items' labels ("strength 0.3, seed 1")
    "sweep_value": "{name} {value}",
    "sweep_strength": "strength",
    "sweep_scale": "scale",
    "sweep_seed": "seed",
    "sweep_step": "step",
    "sweep_reference": "reference",
    "sweep_source": "source",
    # The over-fitting lab's methods paragraph (report/study.py), from its record's values
    "lab_methods": (
        "Method. For each training-set size n in {sizes}, the first n images of {folder} "
        "({images} captioned images, data SHA-256 {data_sha}\u2026) were used to train a UNet "
        "{start} for {steps} steps of batch {batch} (learning rate {rate}, offset noise "
        "{offset}, the same budget for every n) on the CPU, with the VAE and text encoder of the "
        "base model {base} (SHA-256 {base_sha}\u2026) kept frozen, at {resolution} px; training "
        "took {minutes} min in all. Each model then generated {samples} images from the "
        "training captions with seeds not used in training ({sampler}, {sample_steps} steps, "
        "CFG {cfg}). Every sample was compared with every training image: tiled L2 after "
        "Carlini et al. (2023) \u2013 the largest RMS difference over {tiles}\u00d7{tiles} "
        "tiles, RGB scaled to [0, 1] \u2013 picks the nearest training image, and a sample "
        "counts as a near-copy when that distance is at most {near}; the best SSIM (greyscale) "
        "and the best pHash similarity (1 \u2212 Hamming distance / 64){clip} over the training "
        "set are reported beside it; being best matches, they rise with the number of training "
        "images by chance alone, so they compare samples within one size rather than across "
        "sizes. The whole lab took {total} min."
    ),
    "lab_from_base": "starting from the base model's UNet",
    "lab_from_random": "from random weights",
    "lab_clip": (
        " and the best CLIP image-image cosine similarity ({arch}, checkpoint SHA-256 {sha}\u2026)"
    ),
    "lab_calibration": (
        " For scale (medians): the VAE's own round trip of a training image is at {vae}, the "
        "nearest other image in the training set at {other}."
    ),
    "machine_near_copy_rule": "tiled L2 to nearest training image <= {value}",
    "machine_synthetic_scenes": "synthetic scenes ({source}, kind scene, seed {seed})",
    # A study's kind, its settings and a lab's columns (report/study.py)
    "study_kind_strength": "img2img strength sweep",
    "study_kind_lora-scale": "LoRA scale sweep",
    "study_kind_seeds": "seed sweep (memorisation test)",
    "study_kind_trajectory": "denoising trajectory",
    "setting_strengths": "Strengths",
    "setting_seeds": "Seeds",
    "setting_scales": "LoRA scales",
    "setting_lora": "LoRA file",
    "setting_batch_size": "Batch size",
    "setting_cfg": "CFG scale",
    "setting_init": "UNet start",
    "setting_learning_rate": "Learning rate",
    "setting_near_copy_l2": "Near-copy threshold (tiled L2)",
    "setting_noise_offset": "Offset noise (asked)",
    "setting_noise_offset_used": "Offset noise (used)",
    "setting_sample_steps": "Sampling steps",
    "setting_sampler": "Sampler",
    "setting_samples": "Samples per model",
    "setting_seed": "Seed",
    "setting_sizes": "Training-set sizes",
    "setting_steps": "Training steps",
    "setting_folder": "Training images",
    "setting_images": "Number of images",
    "setting_sha256": "SHA-256",
    "setting_path": "File",
    "setting_resolution": "Resolution (px)",
    "setting_nearest_other_training_image_tiled_l2": (
        "Nearest other training image (tiled L2, median)"
    ),
    "setting_vae_round_trip_tiled_l2": "VAE round trip (tiled L2, median)",
    "setting_lab": "Lab",
    "setting_near_copy_rule": "Near-copy rule",
    "setting_seconds": "Duration (s)",
    "setting_parameter": "Swept parameter",
    "setting_arch": "Architecture",
    "setting_checkpoint": "Checkpoint",
    "setting_checkpoint_sha256": "Checkpoint SHA-256",
    "setting_value_base": "the base model's UNet",
    "setting_value_random": "random weights",
    "setting_value_overfit": "over-fitting lab",
    "sweep_training_images": "training images",
    "sweep_near_copy_fraction": "share of near-copies",
    "sweep_mean_nearest_tiled_l2": "mean tiled L2 to the nearest",
    "sweep_mean_nearest_ssim": "mean best SSIM",
    "sweep_mean_nearest_phash_similarity": "mean best pHash similarity",
    "sweep_mean_nearest_clip": "mean best CLIP cosine",
    "sweep_train_seconds": "training time (s)",
    # A reproduction's notes (analysis/reproduce.py)
    "machine_repro_normalised": "the disputed image was normalised for comparison: {note}",
    "machine_repro_peer": (
        "run the way {generator} runs it ({convention} convention: its sigma schedule, noise, "
        "prompt syntax and 8-bit conversion); its GPU kernels and library versions can still "
        "differ in the last bits"
    ),
    "machine_repro_recipe": (
        "recipe from {generator}: samplers are matched by algorithm, not bit for bit, so a close "
        "result is expected rather than an identical one"
    ),
    "machine_repro_threads": (
        "the record does not say how many CPU threads made the image; the result can differ in "
        "the last bit with another thread count"
    ),
    "machine_repro_env": (
        "recorded {key} {recorded}, reproduced with {used}: bit-for-bit identity is only "
        "expected with the same ones"
    ),
    "machine_repro_pixels_same": (
        "the disputed image's pixels are the ones its record says were generated"
    ),
    "machine_repro_pixels_differ": (
        "the disputed image's pixels differ from the ones its record says were generated "
        "(edited or re-encoded after generation)"
    ),
    "machine_match_many": "{count} files have this {kind}; the first was used",
    "machine_match_many_names": "{count} files have this name; the first was used",
    "machine_match_by_name": (
        "no file has the recorded {kind} {value}; matched by name only \u2014 the file found has "
        "SHA-256 {sha}\u2026, so it is not the recorded file"
    ),
    "machine_match_hash_form": (
        "{what}: the recorded hash {value} ({kind}) cannot be computed here; matched by name only"
    ),
    "machine_match_refiner_hash": (
        "refiner: the recorded hash {value} cannot be computed here; by name only"
    ),
    "machine_embedding_missing": (
        "embedding {name} is not in the model folder; its name is encoded as text"
    ),
    "machine_embedding_other": (
        "embedding {name}: {path} has SHA-256 {sha}\u2026, not the recorded {short}"
    ),
    # Reader warnings (analysis/provenance), the common ones
    "machine_warn_no_settings": (
        "{source}: no settings line (3+ `Key: value` pairs) after the prompt"
    ),
    "machine_warn_twice": "{source}: {key} appears twice; the later value is used, as in A1111",
    "machine_warn_size": "Size: {value} is not WIDTHxHEIGHT",
    "machine_warn_tag_no_lora": "prompt tag {tag} names no LoRA",
    "machine_warn_lora_twice": "a LoRA is named more than once",
    "machine_warn_lora_no_tag": "LoRA {name} has a recorded hash but no tag in the prompt",
    "machine_warn_negative_lora": (
        "the negative prompt holds a LoRA tag; A1111 does not load it from there"
    ),
    "machine_warn_not_nodes": "{source}: not a JSON object of nodes",
    "machine_warn_editor_graph": (
        "{source}: recipe read from the editor graph; its widget values are what the editor held "
        "and may differ from what ran"
    ),
    "machine_warn_no_class_type": "{source}: JSON without ComfyUI nodes (no class_type)",
    "machine_warn_no_sampler": "ComfyUI graph has no sampler node we recognise",
    "machine_warn_sampler_unused": (
        "sampler node {node} does not feed the saved image; listed, not in the recipe"
    ),
    "machine_warn_comfy_sampler": "ComfyUI sampler {name} has no A1111 equivalent",
    "machine_warn_fooocus_sampler": "Fooocus sampler {name} has no A1111 equivalent",
    "machine_warn_texts_joined": "{count} texts feed the {what} conditioning; joined by newlines",
    "machine_warn_png_no_iend": "PNG ends without an IEND chunk (file truncated?)",
    "machine_warn_png_after_iend": "{count} bytes follow the PNG's IEND chunk",
    "machine_warn_png_crc": "PNG {name} chunk at offset {pos} has a bad CRC",
    "machine_warn_png_keyword_twice": (
        "PNG text keyword {key} appears more than once; the first is used"
    ),
    "machine_warn_jpeg_no_eoi": "JPEG has no end-of-image marker (file truncated?)",
    "machine_warn_jpeg_after_eoi": "{count} bytes follow the JPEG's end-of-image marker",
    "machine_warn_wm_large": "watermark: not read, the image has {pixels} pixels (more than {max})",
    "machine_warn_wm_decode": "watermark: the pixels cannot be decoded ({error})",
    "machine_warn_not_inflated": (
        "{count} more compressed text chunk(s) not inflated, the file's text being past its "
        "{budget} budget (first: {first})"
    ),
    "machine_warn_not_read": (
        "{count} metadata field(s) not read, the file's metadata being past its {budget} budget "
        "(first: {first})"
    ),
    "machine_warn_inflate_budget": (
        "{what}: decompresses to more than the file's {budget} text budget; read up to there "
        "({count} bytes)"
    ),
    "machine_warn_xmp_doctype": "{source}: XMP declares a DOCTYPE or entities; not parsed",
    "machine_warn_xmp_tags": "{source}: XMP has {tags} tags, more than {max}; not parsed",
    "machine_warn_digits": "{name}: a whole number of more than {max} digits",
    "machine_warn_refiner_switch": "refiner_switch: {value} is not a share of the steps (0 to 1)",
    # Translation: audit-log actions and details (report/sections.py)
    "audit_action_case created": "case created",
    "audit_action_schema migrated": "case format updated",
    "audit_action_import": "import",
    "audit_action_verify": "verification",
    "audit_action_verified": "verified",
    "audit_action_temporaries swept": "abandoned temporary files removed",
    "audit_import": "artifact #{id}, {role}, {name}, {size} bytes, SHA-256 {sha}\u2026",
    "audit_record": "record R{id}, content SHA-256 {sha}\u2026, {links:link|links}",
    "audit_verified": (
        "chain head before: entry #{seq} ({hash}\u2026); {objects} stored files re-hashed"
    ),
    "audit_key_value": "{name}: {value}",
    "audit_separator": "; ",
    "audit_key_case_id": "Case ID",
    "audit_key_created_at": "Created (UTC)",
    "audit_key_format": "Format",
    "audit_key_schema_version": "Format version",
    "audit_key_from": "From version",
    "audit_key_to": "To version",
    "audit_key_links": "Links",
    "audit_key_objects": "Stored files re-hashed",
    "audit_key_head_before": "Chain head before",
    "earlier_reports_heading": "D. Reports issued earlier from this case",
    "record": "Record",
    "title": "Title",
    "property_title": "Case title",
    "property_examiner": "Examiner",
    "property_organisation": "Organisation",
    "property_case_number": "Case number",
    "property_court": "Court",
    "property_parties": "Parties",
    "property_instructing_party": "Instructed by",
    "property_description": "Description",
    "findings_heading": "Examiner's findings",
    "findings_none": "The examiner recorded no findings in this case.",
    "findings_intro": (
        "Findings are the examiner's own words, recorded in the case as audited records about an "
        "exhibit, a record of work done or one figure of it. A finding that was later withdrawn "
        "is shown struck through; it stays in the case and its log."
    ),
    "finding_status_ok": "OK",
    "finding_status_check": "Check",
    "finding_status_warning": "Warning",
    "withdrawn": "withdrawn",
    "record_ref": "record R{id} ({kind})",
    "record_kind_comparison": "comparison",
    "record_kind_reproduction": "reproduction",
    "record_kind_generation": "generation",
    "record_kind_study": "study",
    "record_kind_lab": "over-fitting lab",
    "record_kind_provenance": "provenance",
    "record_kind_report": "report",
    "record_kind_finding": "finding",
    "record_kind_amendment": "amendment",
    "record_kind_exam": "model examination",
    "record_kind_corpus_search": "corpus search",
    "corpus_intro": (
        "A search of a reference-corpus index with one image: the works the index holds, ranked "
        "by their distance to the query image by each perceptual hash and, where the index has "
        "CLIP embeddings, by CLIP cosine similarity. The index file searched is stored in the "
        "case and named by its SHA-256."
    ),
    "corpus_query": "Query image",
    "corpus_index": "Index file",
    "corpus_index_value": "{name}, {size} bytes",
    "corpus_format": "Index format",
    "corpus_root": "Folder indexed (as recorded)",
    "corpus_entries": "Works in the index",
    "corpus_built": "Built / updated (UTC)",
    "corpus_hashes": "Hash kinds",
    "corpus_clip": "CLIP model",
    "corpus_no_clip": "none (no CLIP embeddings)",
    "corpus_kind": "Search kind",
    "corpus_kind_flat": "exact (flat)",
    "corpus_kind_hnsw": "approximate, HNSW",
    "corpus_kind_ivfpq": "approximate, IVF-PQ",
    "corpus_parameters": "Parameters",
    "corpus_recall": "Measured recall@10",
    "corpus_recall_value": "{recall} against exact search ({queries} held-out queries)",
    "corpus_engine": "Engine",
    "corpus_engine_value": "{engine}",
    "corpus_shards": "{shards} shard(s) on {executor}, merged",
    "corpus_faiss_file": "FAISS index file",
    "corpus_k": "Results per metric",
    "corpus_metric_hash": "{metric}: Hamming distance in bits (lower is closer)",
    "corpus_metric_clip": "CLIP: cosine similarity (higher is closer)",
    "corpus_rank": "Rank",
    "corpus_distance": "Distance",
    "corpus_similarity": "Similarity",
    "corpus_work": "Work (path in the folder) / SHA-256",
    "corpus_note": "Note: {note}",
    "corpus_colorhash": "colour hash",
    "machine_corpus_index": "corpus index searched",
    "machine_corpus_query": "searched in a corpus index",
    "machine_corpus_faiss": "{kind} search index of the corpus index",
    "machine_corpus_no_clip": "the index has no CLIP embeddings: CLIP search not run",
    "machine_corpus_no_model": (
        "the index has CLIP embeddings ({arch}) but no CLIP model was given: CLIP search not run"
    ),
    "machine_corpus_no_faiss": (
        "FAISS is not installed: the {kind} index was not read; CLIP embeddings were searched "
        "exactly (numpy scan)"
    ),
    "corpus_limit": (
        "Limit: a rank is a measured distance between images, not a finding that one was copied "
        "from another; an approximate search may miss a close work (see its measured recall)."
    ),
    "exam_method": "Method",
    "exam_kind_membership": "membership test",
    "exam_kind_set": "set test",
    "exam_kind_prompts": "memorised-prompt screen",
    "exam_kind_attribute": "which model made this image",
    "exam_methods": "Methods and references",
    "exam_model": "Model examined",
    "exam_lora": "LoRA",
    "exam_settings": "Settings",
    "exam_settings_value": (
        "seed {seed}; timesteps {timesteps}; image size {size}; device {device}, {dtype}"
    ),
    "exam_membership": (
        "Membership test: does the model treat each work as it treats its training data? Each "
        "work is scored by each method with recorded noises and timesteps, and compared with "
        "control works known not to be in training. Lower score = more member-like; p-value = "
        "(1 + controls scoring at most the work) / (1 + controls); effect size = (control mean "
        "− work) / control standard deviation."
    ),
    "exam_set": (
        "Set test: do the works as a set score as training data does? The statistic, fixed "
        "before measuring, is the control mean minus the works' mean; its p-value is from a "
        "seeded permutation test."
    ),
    "exam_prompts": (
        "Memorised-prompt screen (Wen et al., ICLR 2024): the text-conditional noise "
        "magnitude over the first steps, across fixed seeds, as a robust z against a reference "
        "set of prompts; a flagged prompt behaves as a memorised one."
    ),
    "exam_attribute": (
        "Which model made this image (AEROBLADE, CVPR 2024): the image's reconstruction "
        "distance through each model's VAE, calibrated on each model's own generations and on "
        "non-generated images. Models with identical VAEs cannot be told apart."
    ),
    "exam_limit": (
        "Limit: single-image membership tests on large pretrained base models are not reliable "
        "(CopyMark, 2024); they are strong on fine-tunes, LoRAs and small training sets. A low "
        "p-value says the model treats the work as it treats its training data, not how the "
        "work got there."
    ),
    "exam_limit_attribute": (
        "Limit: the ranking is only among the local models examined; an image from a model not "
        "examined may still fall within a model's calibration, and the error rates are measured "
        "on a few held-out images only (see their upper bounds)."
    ),
    "exam_works_table": "Works: score, p-value and effect size per method",
    "exam_controls_table": "Controls: scores per method",
    "exam_delta_table": "The LoRA's change (Δ score, with the LoRA minus without)",
    "exam_adjusted_table": (
        "The LoRA's change adjusted for the base model: log score with the LoRA less the line "
        "the controls follow against their base scores (each control scored against a line "
        "through the others)"
    ),
    "exam_col_work": "Work",
    "exam_col_control": "Control",
    "exam_col_method": "Method",
    "exam_col_score": "Score",
    "exam_col_p": "p-value",
    "exam_col_effect": "Effect size",
    "exam_col_rank": "Rank",
    "exam_col_statistic": "Statistic",
    "exam_col_significant": "Significant",
    "exam_set_table": (
        "Set test: {works} works, {controls} controls, α = {alpha}; smallest p-value these "
        "numbers allow {floor}; minimum N {minimum}"
    ),
    "exam_col_prompt": "Prompt",
    "exam_col_magnitude": "Magnitude",
    "exam_col_z": "Robust z",
    "exam_col_flagged": "Flagged",
    "exam_col_tokens": "Tokens (share)",
    "exam_prompts_table": "Prompts screened ({flagged} flagged of {count})",
    "exam_reference": "Reference: {kind}, {count} prompts, median {median}, MAD {mad}",
    "exam_col_model": "Model",
    "exam_col_distance": "Distance",
    "exam_col_threshold": "Threshold",
    "exam_col_fnr": "False rejects (held out)",
    "exam_col_fa_models": "False accepts: other models",
    "exam_col_fpr": "False accepts: non-generated",
    "exam_col_first": "Ranked first",
    "exam_col_within": "Within calibration",
    "exam_ranking_table": "Ranking of local models (lower distance = closer)",
    "exam_indistinguishable": (
        "Cannot be told apart by this method: {models} load identical VAE tensors (same SHA-256), "
        "so every image reconstructs the same through each; they share one place in the ranking."
    ),
    "exam_vae_group": "VAE group {group}",
    "exam_held_out_note": (
        "Each model's threshold is fitted on its own generations with seeds {fit}, the other "
        "models' generations with those seeds and synthetic non-generated images; its error rates "
        "are measured on generations with seeds {held} and {real} non-generated images, none used "
        "for any threshold. An image is attributed to a model when its VAE ranks first and the "
        "distance is within the threshold; a rate is shown with its errors/count and the "
        "one-sided 95 % upper bound (Clopper–Pearson)."
    ),
    "exam_held_out_summary": (
        "Held-out generations whose own VAE ranked first: {first}; attributed to their model: "
        "{attributed}. Held-out non-generated images accepted by the first-ranked model: "
        "{accepted}."
    ),
    "exam_yes": "yes",
    "exam_no": "no",
    "exam_seconds": "Run time",
    "exam_plot_title": "Scores of the works among the controls",
    "exam_plot_caption": (
        "Figure: each method's scores, the controls (grey) and the works (red), on one axis; "
        "lower = more member-like. Drawn from the record's numbers."
    ),
    "exam_name_loss": "timestep loss (Matsumoto et al. 2023; Hu & Pang 2023)",
    "exam_name_pia": "PIA, proximal initialisation (Kong et al., ICLR 2024)",
    "exam_name_sima": "SimA, single-query noise-prediction norm (Rao et al., TMLR 2025)",
    "exam_short_loss": "loss",
    "exam_short_pia": "PIA",
    "exam_short_sima": "SimA",
    "exam_validation_intro": (
        "How these methods performed where the answer is known: the workstation's own "
        "benchmark (measured {measured}, on the CPU). These figures are from the workstation's "
        "small models, where training membership is known; they are not error rates of the "
        "model examined here."
    ),
    "exam_validation_lab": (
        "Over-fitting lab models (full fine-tunes of the bundled model on 1, 5, 50 or 500 "
        "synthetic works): ROC AUC / true-positive rate at 1 % false-positive rate, training "
        "works against unseen works of the same kind."
    ),
    "exam_validation_size": "Training works",
    "exam_validation_images": "Members / unseen",
    "exam_validation_reversed": "AUC, reversed reading",
    "exam_validation_auc": "AUC",
    "exam_validation_stat_delta": "{m}, Δ with the LoRA",
    "exam_validation_stat_adjusted": "{m}, Δ adjusted for the base",
    "exam_validation_lora": (
        "LoRAs trained with the bundled model: how often a work the LoRA was trained on had "
        "p ≤ 0.02 among {controls} controls, and how often a work it was not trained on had "
        "p > 0.1."
    ),
    "exam_validation_method": "Method",
    "exam_validation_one_work": "Trained on the work: p ≤ 0.02",
    "exam_validation_other_works": "Not trained on it: p > 0.1",
    "exam_validation_median_p": "Median p",
    "exam_reference_generic": "the shipped generic prompts",
    "exam_reference_batch": "the batch itself",
    "exam_kind_extract": "extraction attempt",
    "exam_extract": (
        "Extraction attempt (FineXtract: Wu, Zhang & Wu, 2024, arXiv 2410.03039, model "
        "guidance): images are generated with the noise prediction extrapolated from the base "
        "model toward the LoRA, ε = ε_base(x_t, ∅) + w'·(ε_LoRA(x_t, c) − ε_base(x_t, ∅)), "
        "where w' = 1/λ and λ is the share of the fine-tuning data in the LoRA's learnt "
        "distribution; the images are clustered (seeded k-means on 16×16 grey thumbnails) and "
        "each cluster's centre image is paired with the nearest reference work in the case."
    ),
    "exam_extract_settings": (
        "w' = {scale} (λ = {lam}); {count} images, seeds {first}–{last}; {steps} DDIM steps; "
        "{clusters} clusters; {size} px"
    ),
    "exam_extract_prompt": "Prompt (the LoRA's caption)",
    "exam_extract_empty": "none (empty caption)",
    "exam_extract_table": "Clusters and the nearest of the case's {works} reference works",
    "exam_col_cluster": "Cluster",
    "exam_col_images": "Images",
    "exam_col_centre": "Centre",
    "exam_col_spread": "Spread",
    "exam_col_nearest": "Nearest work",
    "exam_col_metric": "Metric",
    "exam_metric_phash": "pHash (Hamming)",
    "exam_extract_metric_note": (
        "Distance: the Hamming distance between the two images' 64-bit perceptual hashes (pHash, "
        "analysis/hashes.py): 0 = the same hash; two unrelated images differ in about 32 bits."
    ),
    "exam_extract_seed": "seed {seed}",
    "exam_extract_no_work": "no reference work in the case",
    "exam_extract_centre": "Cluster {cluster}: centre image, seed {seed}",
    "exam_extract_nearest": "Nearest work: {work}, pHash distance {distance} / 64",
    "exam_limit_extract": (
        "Limit: an extracted image close to a work is evidence that the LoRA can reproduce it; "
        "no close image is not proof of absence (few images, a small w', or a LoRA that learnt "
        "a style rather than a work). The nearest work is chosen only among the case's reference "
        "works, by one metric. Single-image membership signals on large pretrained base models "
        "are not reliable (CopyMark, 2024); they are strong on fine-tunes, LoRAs and small "
        "training sets."
    ),
    "machine_extraction_seed": "extraction seed {seed}",
    "recorded_by": "recorded {time} UTC by {actor}",
    "amendments_heading": "{letter}. Corrections (amendments) and their history",
    "amendments_intro": (
        "Nothing in a case is edited in place. A case property, an artifact's role or note, or a "
        "record is corrected by an amendment, itself an audited record; the report shows the "
        "current values, and this table every change with the value it replaced."
    ),
    "amendment_what": "What was corrected",
    "amendment_previous": "Previous value",
    "amendment_value": "New value",
    "amendment_reason": "Reason given",
    "amended_case": "case property: {field}",
    "amended_artifact": "{ref}: {field}",
    "amended_record": "record R{id}",
    # Provenance block of an exhibit (report/provenance.py)
    "prov_heading": "Provenance recorded at import",
    "prov_none": (
        "No provenance record was made at import. The report states what the case recorded and "
        "does not read the file again."
    ),
    "prov_intro": (
        "The file records the following about how it was made, as read when it was imported "
        "(record R{id}, {created} UTC). Values marked \u2020 were inferred by the reader, not "
        "recorded in the file. The raw metadata fields are kept in the record, not printed here."
    ),
    "prov_other_file": (
        "The record describes a file with SHA-256 {sha}, not this exhibit's stored file."
    ),
    "prov_unreadable": "The provenance record R{id} could not be read: {error}",
    "prov_generator": "Generator",
    "prov_version": "Version",
    "prov_no_recipe": "The file records no generation settings.",
    "prov_recipe_heading": "Recipe {n}: {generator}, read from {source}",
    "prov_prompt": "Prompt",
    "prov_negative": "Negative prompt",
    "prov_vae": "VAE",
    "prov_clip_skip": "CLIP skip",
    "prov_hires": "Hires fix",
    "prov_refiner": "Refiner",
    "prov_stage": "Stage",
    "prov_sampler": "Sampler / schedule",
    "prov_steps": "Steps",
    "prov_cfg": "CFG",
    "prov_seed": "Seed",
    "prov_size": "Size",
    "prov_denoise": "Denoise",
    "prov_model": "Model",
    "prov_steps_range": "{start}\u2013{end} of {steps}",
    "prov_single_pass": "single pass",
    "prov_models": "Model files named in the recipe",
    "prov_role": "Role",
    "prov_name": "Name",
    "prov_hash": "Recorded hash",
    "prov_found_in": "Found in",
    "prov_no_hash": "none recorded",
    "prov_lora_scale": "scale {scale}",
    "prov_lora_te": "text encoder {scale}",
    "prov_inferred_note": "\u2020 {field}: inferred, not recorded in the file: {how}",
    "prov_more_chars": "\u2026 ({count} more characters)",
    "prov_more_rows": "\u2026 and {count} more",
    "prov_role_base": "base",
    "prov_role_refiner": "refiner",
    "prov_role_hires": "hires pass",
    "prov_role_detailer": "detailer",
    "prov_role_pass": "other pass",
    "prov_role_checkpoint": "checkpoint",
    "prov_role_unet": "UNet",
    "prov_role_vae": "VAE",
    "prov_role_clip": "text encoder",
    "prov_role_lora": "LoRA",
    "prov_role_upscaler": "upscaler",
    "prov_role_controlnet": "ControlNet",
    "prov_role_embedding": "embedding",
    "prov_iptc_heading": "IPTC / XMP",
    "prov_source_type": "Digital source type (IPTC)",
    "prov_ai_system": "AI system",
    "prov_ai_version": "AI system version",
    "prov_ai_prompt": "AI prompt",
    "prov_ai_writer": "AI prompt writer",
    "prov_creator_tool": "Creator tool (XMP)",
    "prov_c2pa_heading": "Content Credentials (C2PA)",
    "prov_c2pa_none": "The file records no C2PA manifest.",
    "prov_c2pa_state": "State",
    "prov_c2pa_embedded": "embedded: the manifest was read and validated offline",
    "prov_c2pa_remote": "remote: the file names a manifest on a server, which was not fetched",
    "prov_c2pa_error": "present but unreadable",
    "prov_c2pa_unavailable": "not checked: the C2PA reader was not installed",
    "prov_validation": "Validation state",
    "prov_signer": "Signer",
    "prov_signed_at": "Signed at",
    "prov_claim_generator": "Claim generator",
    "prov_generated_by": "Generated by",
    "prov_trust": "Trust",
    "prov_trust_trusted": "trusted: the signer chains to a bundled trust anchor",
    "prov_trust_untrusted": (
        "untrusted: the signature is valid; the signer is not on the bundled trust list"
    ),
    "prov_trust_invalid": "invalid: the signature does not validate",
    "prov_trust_list": "trust list used: {name}",
    "prov_hard_binding": "Hard binding",
    "prov_binding_matches": "matches: the file's bytes are those the manifest's hash covers",
    "prov_binding_mismatch": (
        "mismatch: the file's bytes differ from those the manifest's hash covers"
    ),
    "prov_reason_codes": "Reason codes",
    "prov_c2pa_source_types": "Digital source type (C2PA)",
    "prov_remote_url": "Remote manifest",
    "prov_not_fetched": "{url} (named in the file, not fetched)",
    "prov_error": "Error",
    "prov_manifests": "Manifests",
    "prov_manifest_active": "active manifest",
    "prov_actions": "Actions",
    "prov_ingredients": "Ingredients",
    "prov_watermark_heading": "Invisible watermark",
    "prov_watermark_none": "No invisible-watermark reading was recorded at import.",
    "prov_method": "Method",
    "prov_message": "Message (embedded by)",
    "prov_matched": "Bits matched",
    "prov_matched_value": "{matched} of {length}",
    "prov_reading": "Reading",
    "prov_reading_detected": "detected",
    "prov_reading_not_detected": "not detected",
    "prov_reading_inconclusive": "inconclusive",
    "prov_watermark_caveat": (
        "A watermark reading describes the stored pixels only. Its absence proves nothing: "
        "re-encoding, resizing or cropping can remove a watermark. Anyone can add one to any "
        "image, so its presence does not show who made the image."
    ),
    "prov_warnings": "The reader noted",
    # Report structures (expert/appraisal): report/structure.py
    "not_recorded": "not recorded",
    "date_range": "{start} to {end}",
    "expert_subtitle": "Expert report: examination of image evidence",
    "cover_notice": (
        "The software that produced this report measures and records; it states no legal "
        "conclusions. The findings and opinions in this report are the examiner's own."
    ),
    "expert_instructions": "Instructions and scope",
    "expert_instructions_text": "Instructions",
    "expert_materials": "Materials examined",
    "expert_integrity": "Integrity of the stored files",
    "expert_results": "Results",
    "limitations_heading": "Limitations",
    "limitations": (
        "The examinations describe the files as stored in the case, each identified by its "
        "SHA-256. They say nothing about other copies of a file, about how it came to be made, "
        "or about who made it.\n\n"
        "Similarity measurements say how alike two images are. A close match is consistent "
        "with copying, with derivation from a common source, or with independent work on the "
        "same subject; the bands (see Methodology) are calibrated ranges, not probabilities.\n\n"
        "Metadata, watermarks and content credentials can be removed by re-encoding and added "
        "by anyone: their absence proves nothing, and their presence does not show who made an "
        "image.\n\n"
        "A reproduction that matches shows that the recorded recipe, run with the models found, "
        "produces the image; it does not show that the image was made that way, by whom, or "
        "when.\n\n"
        "Each method's own limits are listed with it in the Methodology. The software records "
        "and measures; it states no legal conclusion. The findings are the examiner's own words."
    ),
    "expert_declaration": "Declaration",
    "declaration_intro": "I, {examiner}, declare as follows.",
    "declaration_intro_org": "I, {examiner}, of {organisation}, declare as follows.",
    "declaration_court": "the court ({name})",
    "declaration_court_default": "the court",
    "declaration_party": "the party instructing me ({name})",
    "declaration_party_default": "the party instructing me",
    "declaration_items": (
        "I understand that my duty in writing this report is to help {court} on the matters "
        "within my expertise, and that this duty overrides any obligation to {instructing_party} "
        "or to any person paying me. I have complied with that duty and will continue to do "
        "so.\n\n"
        "I have set out the materials I examined, the methods I used and the results they gave. "
        "The measurements and records in this report were made with {software}, which records "
        "and measures but states no legal conclusion; every finding and opinion in this report "
        "is my own.\n\n"
        "I have made clear which facts and matters in this report are within my own knowledge "
        "and which are not, and I have stated the sources of the facts I relied on.\n\n"
        "I have drawn attention to every matter of which I am aware that might adversely affect "
        "my opinion, and I have set out the limitations of the methods used. Where a matter is "
        "outside my expertise, or where I could not reach a concluded opinion, I have said so."
        "\n\n"
        "I will inform {instructing_party} and {court} at once if, for any reason, this report "
        "requires correction or qualification; any correction will be recorded in the case as "
        "an amendment, with the value it replaces."
    ),
    "statement_of_truth_heading": "Statement of truth",
    "statement_of_truth": (
        "I confirm that I have made clear which facts and matters referred to in this report "
        "are within my own knowledge and which are not. Those that are within my own knowledge "
        "I confirm to be true. The opinions I have expressed represent my true and complete "
        "professional opinions on the matters to which they refer."
    ),
    "expert_signature": "Signature",
    "signature_name": "Name",
    "signature_appraiser": "Examiner",
    "signature_date": "Date",
    "signature_line": "Signature",
    "findings_about_heading": "The examiner's findings on this",
    "findings_about_none": "The examiner recorded no finding about this.",
    "finding_figure": "On the figure \u201c{figure}\u201d",
    "geometry_arrow": "Arrow from ({x1}, {y1}) to ({x2}, {y2}), {length} px, on {on}",
    "geometry_distance": "Distance {length} px from ({x1}, {y1}) to ({x2}, {y2}) on {on}",
    "geometry_angle": "Angle {degrees}\u00b0 at ({x}, {y}) on {on}",
    "geometry_box": "Box at ({x}, {y}), {w} \u00d7 {h} px on {on}",
    "geometry_region": "Region at ({x}, {y}), {w} \u00d7 {h} px ({area} px\u00b2) on {on}",
    "geometry_callout": "Callout at ({x}, {y}) on {on}: \u201c{text}\u201d",
    "geometry_detail": (
        "Detail of {on} (pixels {x0}\u2013{x1} across, {y0}\u2013{y1} down, enlarged) with the "
        "examiner's shape drawn on it by the workstation from the finding; the stored file is "
        "unchanged. Coordinates are image pixels from the top-left corner."
    ),
    "appraisal_subtitle": "Appraisal opinion on electronic data",
    "appraisal_basic": "Basic information",
    "appraisal_client": "Instructing party",
    "appraisal_matter": "Matter entrusted",
    "appraisal_accepted": "Date accepted",
    "appraisal_materials": "Materials examined",
    "appraisal_materials_value": "Exhibits: {count} (listed below with their check values)",
    "appraisal_dates": "Dates of examination",
    "appraisal_place": "Place of examination",
    "appraisal_check_values": "Check values (SHA-256, SM3)",
    "appraisal_case": "Case summary",
    "appraisal_case_none": (
        "The instructing party's account of the case was not recorded (case property "
        "\u201cDescription\u201d)."
    ),
    "appraisal_process": "Examination process",
    "appraisal_integrity": "Integrity of the examined materials",
    "appraisal_exhibits": "The examined materials",
    "appraisal_records": "Examinations performed",
    "appraisal_analysis": "Analysis",
    "appraisal_opinion": "Opinion",
    "opinion_intro": (
        "The examiner's opinion, in the examiner's own words as recorded in the case. The "
        "software states no conclusion of its own."
    ),
    "opinion_none": "The examiner recorded no finding, so no opinion is stated.",
    "opinion_source": "About {about}; status: {status}; {when}",
    "appraisal_signature": "Signature",
    "appraisal_attachments": "Attachments",
    # Record tables, framing rules, figures and the attached records file (report/records.py,
    # measurements.py, figures.py)
    "record_attached": (
        "The full record is in workstation-records.json, attached to this PDF (see the appendix)."
    ),
    "also_recorded": "Also in the record (in full in the attached file): {keys}.",
    "details_heading": "Measurement details",
    "settings_heading": "Settings and software",
    "col_common_frame": "Common frame",
    "col_registered": "After registration",
    "row_compared_size": "Compared at",
    "row_compared_share": "Share of A's frame compared",
    "row_mean_difference": "Mean |A − B| (of full scale)",
    "row_changed": "Pixels differing by more than {level} of 255",
    "kp_counts": "SIFT keypoints in A / B",
    "kp_matches": "Matches passing the ratio test",
    "kp_inliers": "Inliers (consistent with one homography)",
    "kp_mirrored": "B mirrored before matching",
    "kp_status": "Result",
    "kp_homography": "Homography B → A (3 × 3)",
    "clip_image_similarity": "CLIP image similarity (cosine)",
    "clip_text_similarity": "CLIP similarity of {side} to the prompt",
    "clip_prompt": "Prompt",
    "clip_model": "CLIP model",
    "yes": "yes",
    "no": "no",
    "settings_ssim": (
        "greyscale by {greyscale}; Gaussian window σ = {sigma} (Gaussian weights {gaussian_weights}"
        "; sample covariance {use_sample_covariance}); data range {data_range}"
    ),
    "settings_keypoints_label": "Keypoints",
    "settings_keypoints": (
        "{detector}, at most {max_features} features per image, longer side at most "
        "{working_side} px; Lowe ratio test {ratio}; RANSAC reprojection threshold "
        "{ransac_reprojection_px} px; at least {min_inliers} inliers; random seed {rng_seed}"
    ),
    "software_versions": "Software",
    "computation_time": "Computation time",
    "computation_time_value": "{ms} ms in all (per method in the attached record)",
    "compared_at": "Compared (UTC)",
    "framing_heading": "How the two images were framed",
    "framing_metrics": "Methods",
    "framing_rule": "Framing rule",
    "run_heading": "The run",
    "run_started": "Started (UTC)",
    "run_finished": "Finished (UTC)",
    "run_seconds": "Duration",
    "run_seconds_value": "{seconds} s",
    "run_output": "Output pixels",
    "run_output_value": "{w} × {h} px; SHA-256 of the RGB pixels",
    "run_study_item": "Study item",
    "env_rng": "Random numbers",
    "env_deterministic": "Deterministic algorithms",
    "env_threads": "CPU threads",
    "study_settings": "Settings of the study",
    "study_kind": "Kind",
    "study_reference": "Reference image",
    "study_counts": "Items",
    "study_counts_value": "{items} in all: {generated} generated, {reused} reused",
    "attached_heading": "Files attached to this PDF",
    "attached_intro": (
        "The PDF carries these files (a PDF reader lists them as attachments, as does "
        "pdfdetach -list). Each file's SHA-256 is given here, so a copy can be checked."
    ),
    "attached_file": "File",
    "attached_holds": "Holds",
    "attached_size": "Size (bytes)",
    "attached_anchor": "case ID, report ID and audit chain head this report was made from",
    "attached_records": (
        "every record this report shows, in full: ID, kind, time, links, payload SHA-256 and "
        "payload (canonical JSON)"
    ),
    "colour_scale_caption": (
        "Colour scale: per pixel, the largest difference of R, G, B, in 8-bit levels from "
        "0 (black, equal) to 255 (pale yellow); marked: {level}, the level above which a pixel "
        "counts as changed"
    ),
    "colour_scale_outside": "mid-grey: outside the compared region",
    "trajectory_figure": (
        "Figure: denoising trajectory, {kept:kept step|kept steps} of {total}, from noise (top "
        "left) to the final image; each labelled with its step number and the scheduler's "
        "timestep t, which counts down towards 0 (the clean image)"
    ),
    "trajectory_figure_no_t": (
        "Figure: denoising trajectory, {kept:kept step|kept steps} of {total}, from noise (top "
        "left) to the final image; the record holds no timesteps (made before they were kept)"
    ),
    "step_timestep": "Step {n} / {total} · t = {t}",
}

ZH: dict[str, str] = {
    "page_x_of_y": "第 {page} 页，共 {total} 页",
    "footer_report_id": "报告编号 {report_id}",
    "banner_unverified": "本页含未通过校验的内容：",
    "and_more": "另有 {count} 项",
    "report_title_default": "证据报告：{case}",
    "case_title": "案件名称",
    "case_id": "案件编号",
    "examiner": "检验人",
    "organisation": "机构",
    "created_utc": "日期和时间（UTC）",
    "created_local": "日期和时间（本地）",
    "report_id": "报告编号",
    "software": "软件",
    "chain_head": "审计链头",
    "chain_head_value": "第 {seq} 条：{hash}",
    "scope_heading": "范围",
    "scope": (
        "本报告列示案件“{case}”中的 {exhibits} 件证物，以及基于这些证物所做工作的 {records} 条记录"
        "（{kinds}），内容以 {date} 案件中保存的数据为准，截至审计日志第 {seq} 条。报告描述证据、所"
        "做的测量和所用的方法，不作任何法律结论。图像直接取自案件中保存的文件，未经有损重新压缩（PN"
        "G 等格式无损嵌入，JPEG 文件保留原始数据），按页面缩放并保持宽高比。附录列出案件中每个文件"
        "的 SHA-256、所用的模型文件以及完整的审计日志。"
    ),
    "kinds_none": "无",
    "kind_count": "{kind} {count} 项",
    "list_separator": "，",
    "warning_no_cjk": (
        "本机未找到含中文（CJK）字符的字体：此类字符以码位显示，例如 [U+4E2D]。请安装 fonts-wqy-mic"
        "rohei（Debian/Ubuntu），或将 TrueType 格式的 CJK 字体放入 resources/fonts。"
    ),
    "warning_lang_fallback": "已要求中文标签，但未找到 CJK 字体：报告使用英文标签。",
    "warning_unverified": (
        "本报告使用 --allow-unverified 生成：{count} 件证物未通过校验，在其出现的每一页均以红色标出"
        "。"
    ),
    "warning_case_problems": (
        "案件未通过校验（{count} 个问题），见第 1 节。本报告使用 --allow-unverified 生成。"
    ),
    "contents": "目录",
    "pdf_subject": "案件 {case_id}（{case}）的证据报告",
    "verify_ok": (
        "生成本报告前的校验：每个保存的文件均与其 SHA-256 相符，每条记录均与其审计条目相符，审计链"
        "完整。"
    ),
    "verify_failed": "生成本报告前的校验未通过：{count} 个问题。",
    "objects_checked": "重新计算哈希的文件",
    "records_checked": "已核对的记录",
    "entries_checked": "已核对的审计条目",
    "contents_summary": (
        "本报告包含 {exhibits} 件证物、{comparisons} 项比对、{generations} 次生成、{studies} 项研究"
        "以及 {others} 条其他记录。案件共有 {artifacts} 件证物文件和 {records} 条记录。"
    ),
    "how_to_verify": (
        "持有案件副本的任何人均可核验：“workstation case verify”会重新计算每个文件的哈希并逐条检查"
        "审计链。第 {method} 节说明所用方法以及如何核验本报告本身。"
    ),
    "exhibits": "证物",
    "case_empty": "案件中没有证物。",
    "no_records": "案件中没有比对、生成或研究的记录。",
    "exhibits_intro": (
        "以下列出 {count} 件证物，每件附有图像（如为图像文件）、SHA-256、尺寸、在案件中的角色及来源"
        "。"
    ),
    "exhibit_heading": "证物 {n} — {name}",
    "exhibit_caption": "证物 {n}。{name}（{role}）。",
    "exhibit_ref": "证物 {n}（{name}）",
    "exhibit": "证物",
    "exhibit_short": "证物 {n}",
    "artifact_short": "文件 #{id}",
    "artifact_ref": "文件 #{id}（{name}）",
    "file_ref": "保存的文件 {sha}…",
    "not_an_image": "非图像文件（{media_type}）：仅以其 SHA-256 标识。",
    "artifact": "文件编号",
    "file_size": "文件大小",
    "bytes": "{n} 字节",
    "dimensions": "{w} × {h} 像素",
    "dimensions_type": "尺寸、类型",
    "role": "角色",
    "role_reference": "参照作品",
    "role_disputed": "争议图像",
    "role_generated": "生成图像",
    "role_other": "其他",
    "role_report": "报告",
    "original_name": "原文件名",
    "original_path": "原路径",
    "imported": "导入时间（UTC）",
    "audit_entry_by": "（审计条目第 {seq} 条，操作人 {actor}）",
    "note": "备注",
    "integrity": "完整性",
    "integrity_ok": "保存的文件与其 SHA-256 相符",
    "shown_in": "亦见于",
    "problem_missing": "未通过校验：保存的文件缺失",
    "problem_altered": "未通过校验：保存的文件已被改变（现哈希值为 {actual}）",
    "problem_row": "未通过校验：该证物的数据库记录与日志中的导入条目不一致",
    "image_missing": "图像不可用：案件中没有保存的文件 {sha}…。",
    "image_unreadable": "图像无法显示：保存的文件 {sha}… 不是可读取的图像。",
    "note_first_frame": "动态图像，共 {frames} 帧：显示第一帧。",
    "note_orientation": "文件带有 EXIF 方向标记 {value}；按保存状态显示，未旋转。",
    "note_converted": "以 {mode} 模式保存；显示时转换为每通道 8 位。保存的文件未改变。",
    "note_16bit": "以每通道 {bits} 位保存；显示为 8 位。保存的文件未改变。",
    "comparisons": "比对",
    "generations": "生成",
    "studies": "研究",
    "other_records": "其他记录",
    "comparison_n": "比对 {n}：{a} 与 {b}",
    "generation_n": "生成 {n}：{summary}",
    "study_n": "研究 {n}：{summary}",
    "record_n": "记录 #{id}（{kind}）",
    "record_line": "记录 #{id}（{kind}），创建于 {created} UTC；内容 SHA-256 {sha}",
    "record_changed": "未通过校验：此记录的内容与其审计条目不再相符。",
    "rows_left_out": "另有 {count} 个值未显示；完整记录保存在案件中。",
    "recorded_details": "其他记录值",
    "empty_record": "此记录不含任何值。",
    "referenced_images": "记录所引用的图像",
    "image_not_stored": "图像 {name} 未保存在案件中（记录的路径：{path}）。",
    "metrics_heading": "测量结果",
    "metric": "指标",
    "value": "数值",
    "band": "区间",
    "band_rule": "区间规则",
    "source": "来源",
    "threshold_sources": "阈值来源",
    "band_near-duplicate": "近似重复",
    "band_similar": "相似",
    "band_different": "不同",
    "band_no band": "无区间",
    "bands_notice": "区间仅为测量值范围的名称，既不表示一幅图像复制了另一幅，也不是法律结论。",
    "pictures_not_stored": "此比对的图片未随其保存。",
    "hash_values": "哈希值",
    "hash": "哈希",
    "distance": "距离",
    "similarity_value": "相似度 {value}",
    "keypoint_summary": "关键点：{matches} 个匹配中有 {inliers} 个内点；{status}。",
    "difference_summary": "差异：平均为满量程的 {mean}；{changed} 的像素有明显变化。",
    "generated_image": "生成的图像",
    "output_not_stored": "生成的图像未保存在案件中。",
    "parameters": "参数",
    "trajectory": "去噪轨迹",
    "trajectory_intro": "保留了 {total} 步中的 {kept} 步，从噪声逐步趋向最终图像。",
    "step_n_of_total": "第 {n} / {total} 步",
    "mode": "模式",
    "model": "模型",
    "model_path": "模型文件",
    "model_kind": "架构 / 格式",
    "model_sha256": "模型 SHA-256",
    "model_short_hashes": "模型短哈希",
    "lora": "LoRA",
    "lora_value": "{name}，权重 {scale}",
    "prompt": "提示词",
    "negative_prompt": "负面提示词",
    "seed": "种子",
    "steps": "步数",
    "steps_run": "实际运行 {n} 步",
    "sampler": "采样器",
    "sampling_convention": "采样方式",
    "param_convention": "遵循的生成方式",
    "param_schedule": "sigma 调度",
    "param_prompt_syntax": "提示词语法",
    "param_noise": "噪声来源",
    "param_ensd": "Eta 噪声种子偏移（ENSD）",
    "param_subseed": "变异种子",
    "param_subseed_strength": "变异强度",
    "param_batch_size": "批次大小",
    "param_batch_index": "批次中的序号（从 0 起）",
    "param_hires": "高分辨率修复",
    "param_refiner": "精修模型",
    "param_embeddings": "文本反演文件",
    "convention_workstation": "本工作站自身方式（diffusers 调度器）",
    "convention_a1111": "AUTOMATIC1111 / Forge（k-diffusion）",
    "convention_comfyui": "ComfyUI",
    "convention_detail": "{who}：{sampler}，{schedule} sigma 序列，噪声 {noise}",
    "cfg": "CFG 引导系数",
    "size": "尺寸",
    "clip_skip": "CLIP 跳层",
    "init_image": "初始图像",
    "strength": "重绘强度",
    "device": "设备",
    "dtype": "精度",
    "versions": "软件版本",
    "platform": "平台",
    "study": "研究",
    "plot_caption": "记录 #{id} 中数据系列的图表。",
    "study_images": "研究中的图像",
    "study_grid": "研究的图像",
    "study_plot": "研究的图表",
    "study_table": "测量结果",
    "study_rows_left_out": "另有 {count} 行未显示；全部数据见 {where}。",
    "image": "图像",
    "near_duplicate_label": "按 {metric} 处于近似重复区间",
    "near_duplicate_value": "{of} 个输出中的 {count} 个（{share}）",
    "reproduction_n": "比对 {n}：{a} 与其复现",
    "reproduction_intro": (
        "按 {a} 中记录的生成参数，使用按记录哈希找到的模型文件重新生成，"
        "并将结果（B）与该图像（A）比对。"
    ),
    "reproduction_exact": "完全一致：复现结果的全部 {w} × {h} 个像素与该图像相同。",
    "reproduction_differs": (
        "不完全一致：{equal} 的像素相同，{changed} 的像素差异超过 {level}/255；"
        "平均差异 {mean}/255，最大 {max}/255，PSNR {psnr}。"
    ),
    "reproduction_sizes": "不完全一致：该图像为 {a}，复现结果为 {b}。",
    "models_found": "模型文件",
    "model_role": "类型",
    "recorded": "记录值",
    "matched_by": "匹配方式",
    "not_found": "未找到",
    "by_name_only": "仅按名称",
    "reproduction_notes": "说明",
    "methodology": "方法说明",
    "method_intro": (
        "本节说明报告中的测量结果和图像是如何得出的，以及它们能说明和不能说明什么。本节只陈述方法事"
        "实，不作法律结论。"
    ),
    "method_diffusion_title": "扩散模型如何生成图像",
    "method_diffusion": (
        "Stable Diffusion 等潜空间扩散模型从随机噪声开始——噪声由伪随机数生成器根据一个称为“种子”的"
        "数值产生——再分若干步逐步去除噪声。每一步中，一个神经网络（U-Net）预测当前状态中的噪声，采"
        "样器（调度器）据此计算出噪声略少的下一个状态。文本提示词由文本编码器（CLIP）转换为数值，U-"
        "Net 在每一步都以这些数值为条件；引导系数（CFG）决定每一步向提示词靠近、远离负面提示词的程"
        "度。这些步骤在压缩的潜空间中进行，最后由解码器（VAE）把最终状态转换为像素。"
        "\n\n"
        "相同的模型文件、提示词、种子、采样器、步数、引导系数和尺寸，在同类设备上使用相同的软件，会"
        "得到相同的图像。中间状态也可以解码：本报告中的去噪轨迹展示了从噪声到最终图像过程中的这些状"
        "态（“第 n / N 步”）。"
    ),
    "method_img2img_title": "图生图与重绘强度",
    "method_img2img": (
        "图生图（img2img）从一幅已有图像而非纯噪声开始：图像被编码到潜空间并加入噪声。重绘强度取值"
        "在 0 到 1 之间，决定加入噪声的多少：强度为 s、步数为 N 时，从相应程度加噪的输入开始运行约 "
        "s × N 步去噪。强度低时，结果保留输入图像的构图、形状和颜色；强度高时保留得较少，提示词的影"
        "响更大。"
    ),
    "method_lora_title": "LoRA",
    "method_lora": (
        "LoRA（低秩适配）是一个较小的文件，包含对模型部分层（通常是 U-Net 的注意力层，有时也包括文"
        "本编码器）的权重修改。它在一组图像上训练，使模型的输出偏向某一主题或风格。其权重系数与修改"
        "量相乘：0 表示基础模型不变，1 表示按训练结果完整应用。本报告以整个文件的 SHA-256 以及“addn"
        "et”哈希（仅张量数据的 SHA-256，其他工具会将其写入图像元数据）来标识 LoRA。"
    ),
    "method_reproduction_title": "模型文件与复现",
    "method_reproduction": (
        "模型文件以整个文件的 SHA-256 标识。AUTOMATIC1111 写入图像的“Model hash”和 Civitai 的“AutoV"
        "2”是其前 10 位十六进制数字；“AutoV1”是对文件中 64 KiB 数据计算的旧式哈希。对于 LoRA，"
        "AUTOMATIC1111 写入的是其张量数据哈希（kohya 的“addnet”哈希）的前 12 位。复现时按这些哈希"
        "查找图像所记录的文件，仅当没有哈希匹配时才按名称查找，并说明每个文件是如何找到的。只有当全部"
        "参数和软件都一致时，复现才是逐像素一致的；不同的库版本、硬件甚至 CPU 线程数都可能使像素"
        "略有变化，因此报告列出了所用的版本、设备和线程数。"
    ),
    "method_studies_title": "研究",
    "method_studies": (
        "研究会生成一系列只有一个参数不同的图像，并用与比对相同的指标（{metrics}；需要 CLIP 模型的"
        "指标仅在配置了模型时测量）逐一测量。去噪轨迹展示一次生成的每个中间步骤。图生图强度扫描展示源图像在"
        "各个强度下保留了多少。LoRA 权重扫描展示 LoRA 将输出拉向参照作品的程度。种子扫描用同一"
        "提示词生成大量图像，统计有多少与参照作品的接近程度达到近似重复区间；记住了某件作品的模型会在许多"
        "种子下复现它。\n\n研究中的每次生成都连同其参数一起保存，因此其中任何图像都可以重新生成；"
        "图表、图像网格和数据（CSV 和 JSON）也一并保存。"
    ),
    "method_metrics_title": "相似度测量",
    "method_metrics_intro": (
        "比对对两幅图像 A 和 B 给出多项相互独立的测量。每一项描述相似性的一个方面；任何单项都不能单"
        "独说明一幅图像是否源自另一幅。"
    ),
    "measures": "测量内容",
    "limits": "局限",
    "method_bands_title": "区间与阈值",
    "method_bands": (
        "每个测量值按阈值归入一个区间（近似重复、相似、不同），阈值及其来源列在数值旁。区间仅为测量"
        "值范围的名称，既不表示一幅图像复制了另一幅，也不是法律结论。"
    ),
    "method_integrity_title": "案件和本报告的完整性",
    "method_integrity": (
        "案件中的每个文件都以其 SHA-256 命名保存，从不修改。每项操作都记入只能追加的审计日志，每条"
        "日志的哈希涵盖该条目及前一条目的哈希，因此修改、插入或删除任何条目都会改变其后的所有哈希；"
        "最新的哈希即链头，印在本报告中。生成本报告之前，每个保存的文件都重新计算了哈希并与记录的 S"
        "HA-256 比对，审计链也经过了检查。"
        "\n\n"
        "本 PDF 以其 SHA-256 命名，作为只读文件保存在案件中，其报告记录（记入审计日志）载有该 "
        "SHA-256；导出的副本旁附 {name}.sha256 文件（“sha256sum -c {name}.sha256”可重新计算核对）"
        "。本 PDF 还以机器可读的方式载有案件编号、报告编号和本报告所印的链头（文档信息及附件 "
        "workstation-anchor.json）：“workstation report-verify REPORT.pdf --case CASE”将副本与案"
        "件核对；“workstation case verify CASE --against REPORT.pdf”会重新计算案件中每个文件的哈"
        "希、逐条检查审计链，并确认其仍包含本报告所依据的链头。"
    ),
    "appendix": "附录",
    "manifest_heading": "A. 案件文件清单",
    "manifest_intro": "案件的全部 {count} 件文件，按导入顺序排列。",
    "file_size_bytes": "大小（字节）",
    "imported_utc": "导入时间（UTC）",
    "models_heading": "B. 模型与 LoRA 文件",
    "models_intro": "生成记录中提到的每个模型和 LoRA 文件及其哈希。",
    "no_model_files": "案件中没有提到模型或 LoRA 文件的生成记录。",
    "kind": "类型",
    "kind_model": "模型",
    "kind_lora": "LoRA",
    "file": "文件",
    "other_hashes": "其他哈希",
    "used_in": "用于",
    "audit_heading": "C. 审计日志",
    "audit_intro": (
        "生成本报告时案件审计日志的全部 {count} 条。每条的哈希为 SHA-256(前一条哈希 + 该条目的规范 "
        "JSON)。"
    ),
    "time_utc": "时间（UTC）",
    "actor": "操作人",
    "action": "操作",
    "details_and_hash": "详情与条目哈希",
    # Translation: text the workstation writes into a case (report/recorded.py). The English
    # entry is the pattern as the software writes it; fields hold its values.
    "machine_registered": (
        "配准比对：按关键点单应变换将 B 映射到 A 的 {w}×{h} 画面上；在 A 中被 B 覆盖的 {share} "
        "区域上比较"
    ),
    "machine_registered_small": "单应变换下 B 覆盖 A 的面积过小：未计算配准 SSIM",
    "machine_discarded": "在窗口中舍弃",
    "machine_a_reduced": "为计算{users}，A 从 {w0}×{h0} 缩小到 {w}×{h}",
    "machine_b_resized": "为计算{users}，B 从 {w0}×{h0} 缩放到 {w}×{h}",
    "machine_b_resized_aspect": (
        "为计算{users}，B 从 {w0}×{h0} 缩放到 {w}×{h}；宽高比 {before} → {after}"
    ),
    "machine_animated": "{frames} 帧的 {format} 动画：使用第一帧",
    "machine_orientation": "已应用 EXIF 方向 {value}（{how}）",
    "machine_bits": "每通道 {bits} 位：Pillow 将其降为 8 位（取高字节）",
    "machine_alpha": "Alpha 通道：{share} 的像素不完全不透明；已合成到白色背景上",
    "machine_alpha_opaque": "Alpha 通道完全不透明；已舍弃",
    "machine_icc": "文件内嵌 ICC 色彩配置文件，但未应用",
    "machine_float": "32 位浮点灰度图从 [{low}, {high}] 拉伸到 8 位",
    "machine_grey_scaled": "{mode}（{bits} 位）灰度图缩放到 8 位",
    "machine_palette": "调色板图像已展开为 RGB",
    "machine_palette_alpha": "调色板图像已展开为带 Alpha 通道的 RGB",
    "machine_cmyk": "CMYK 按 Pillow 的简单公式转换为 RGB（无色彩管理）",
    "machine_bilevel": "二值（1 位）图像已转换为 RGB",
    "machine_greyscale": "灰度图像已转换为 RGB",
    "machine_to_rgba": "{mode} 已转换为 RGBA",
    "machine_to_rgb": "{mode} 已转换为 RGB",
    "machine_in_memory": "内存中的数组；SHA-256 按原始 RGB 字节计算",
    "machine_homography": "已找到单应变换",
    "machine_homography_mirrored": "已找到单应变换（B 为镜像）",
    "machine_few_keypoints": "关键点太少，无法匹配",
    "machine_few_matches": "{count} 个匹配：不足以估计单应变换",
    "machine_no_geometry": "没有一致的几何关系（内点 {inliers} 个 < {needed}）",
    "machine_keypoints_small": "未运行：关键点匹配要求图像至少为 {w}×{h} 像素",
    "machine_no_clip": "未配置 CLIP 模型：未计算 CLIP 相似度",
    "machine_no_clip_prompt": "未配置 CLIP 模型：未计算 CLIP 相似度；因此也未将提示词与图像比较",
    "machine_clip_status_none": "未配置",
    "machine_clip_status_done": "已计算",
    "machine_generated": "生成图像，种子 {seed}",
    "machine_step_decoded": "去噪第 {step}/{total} 步（VAE 解码），种子 {seed}",
    "machine_step_preview": "去噪第 {step}/{total} 步（潜空间预览，颜色为近似值），种子 {seed}",
    "machine_init_image": "初始图像（图生图）",
    "machine_compared_as": "作为 {side} 参与比对",
    "machine_picture": "{picture}：A {a} 与 B {b}",
    "machine_lab_samples": "过拟合实验：样本与最近的训练图像，n={n}",
    "machine_lab_plot": "过拟合实验：图表",
    "machine_lab_title": "过拟合实验：近似副本与训练集规模",
    "machine_wm_sd1": "Stable Diffusion 1.x 参考脚本（CompVis txt2img.py）",
    "machine_wm_sd2": "Stable Diffusion 2.x 参考脚本（Stability-AI/stablediffusion txt2img.py）",
    "machine_wm_sgm": "SDXL：Stability generative-models（sgm WatermarkEmbedder）",
    "machine_wm_diffusers": "SDXL：diffusers StableDiffusionXLWatermarker（把 RGB 当作 BGR 传入）",
    "machine_wm_rule_sdxl": (
        "Stability generative-models scripts/demo/detect.py：48 位中吻合 ≤ 27 位为未检出水印，"
        "28–33 位为部分吻合，≥ 34 位为可能或很可能带有水印"
    ),
    "machine_wm_rule_binomial": (
        "二项检验（无公开的读取程序）：偶然吻合至少这么多位的概率（p = 1/2）< 1e-6 时判为检出，"
        "< 1e-2 时为不确定"
    ),
    "machine_wm_rule_sd1": (
        "CompVis scripts/tests/test_watermark.py：136 位全部吻合时按 UTF-8 解码即为该信息；"
        "吻合位数较少时，若偶然吻合至少这么多位的概率（p = 1/2）< 1e-6，则为不确定"
    ),
    "machine_series_mean": "{metric}（{count} 个种子的平均值）",
    "machine_item": "{item}",
    "machine_metric_values": "{values}",
    "machine_input_label": "{reference}",
    "plot_redrawn": "本图根据记录中的数据为本报告重新绘制；该研究自身存储的图表为{ref}。",
    "plot_band_line": "{band}区间",
    "grid_redrawn": "根据记录所指的图像为本报告重新排列；该研究自身存储的图像网格为{ref}。",
    "band_of": "区间（{metric}）",
    "near_duplicate_rule": "{share}；{rule}",
    "summary_outputs": "测量的输出数",
    "summary_highest_strength_all_phash_near_duplicate": (
        "全部输出按 pHash 均为近似重复的最高重绘强度"
    ),
    "summary_closest": "最接近的输出",
    "machine_a1111_clip_skip": "'Clip skip' 为默认值 1 时 A1111 不记录它",
    "machine_a1111_img2img": (
        "A1111 不记录模式：有 'Denoising strength' 而无高清修复设置，表示图生图"
    ),
    "machine_a1111_txt2img": "A1111 不记录模式：高清修复之外没有 'Denoising strength'",
    "machine_a1111_rng": "RNG 为默认值 GPU 时 A1111 不记录它",
    "machine_a1111_ensd": "ENSD 为默认值 0 时 A1111 不记录它",
    "machine_a1111_schedule": (
        "没有 'Schedule type'：由采样器名称本身表明，或如 A1111 1.9 之前那样使用模型自身的 "
        "sigma（Uniform）"
    ),
    "machine_a1111_upscaler": "A1111 的默认放大器 Latent",
    "machine_a1111_hires_steps": "'Hires steps' 为 0 时 A1111 不记录它：即与第一遍相同",
    "machine_comfy_sampler": "由 ComfyUI 的 {name} 对应而来",
    "machine_stage_first": "第一遍",
    "machine_stage_hires": "高清修复",
    "prov_field_noise": "噪声来源",
    "prov_field_eta_noise_seed_delta": "Eta 噪声种子增量（ENSD）",
    "prov_field_scheduler": "Sigma 调度",
    "prov_field_hires steps": "高清修复步数",
    "prov_field_hires upscaler": "高清修复放大器",
    "prov_field_refiner_switch_by": "精炼模型切换方式",
    "prov_field_mode": "模式",
    "machine_final_image": "最终图像",
    "summary_steps": "步数",
    "summary_first_step_within_ssim_0.99_and_phash_0_of_final": (
        "与最终图像的 SSIM 达到 0.99 且 pHash 距离为 0 的第一步"
    ),
    "summary_closest_seed": "最接近的输出的种子",
    "summary_closest_ssim": "最接近的输出的 SSIM",
    "summary_closest_phash_distance": "最接近的输出的 pHash 距离",
    "summary_median_ssim": "SSIM 中位数",
    "summary_min_phash_distance": "最小 pHash 距离",
    "machine_reproduced": "被复现的图像",
    "clip_message": "CLIP：{message}",
    "machine_report": "报告 {report_id}",
    "machine_reproduction": "{sha} 的复现，种子 {seed}",
    "machine_reproduction_picture": "{picture}：争议图像与复现图像",
    "machine_study_item": "{title}：{item}",
    "machine_study_plot": "{title}：图表",
    "machine_study_grid": "{title}：输出图像",
    "machine_study_csv": "{title}：数据（CSV）",
    "machine_study_json": "{title}：数据与摘要（JSON）",
    "machine_study_steps": "{title}：每一步（带标注）",
    "machine_study_steps_plot": "{title}：各步与最终图像的比较",
    "machine_study_input": "{title}的{reference}",
    "machine_trajectory_input": "去噪轨迹的初始图像",
    "machine_title_strength": "图生图重绘强度扫描",
    "machine_title_lora": "LoRA 权重扫描（{name}）",
    "machine_title_seeds": "种子扫描，{count} 个种子（记忆测试）",
    "machine_title_trajectory": "去噪轨迹，种子 {seed}",
    "machine_about_strength": (
        "以一幅源图像做图生图，{seeds} 个种子 × {strengths} 个重绘强度；每个输出均与源图像比较。"
        "重绘强度越低，保留的源图像内容越多。"
    ),
    "machine_about_lora": (
        "LoRA {name}，{scales} 个权重，{seeds} 个种子，同一提示词；每个输出均与参照作品比较。"
        "权重 0 即不加 LoRA 的基础模型。"
    ),
    "machine_about_seeds": (
        "同一提示词的 {count} 个种子；每个输出均与参照作品比较。"
        "直方图显示输出与参照作品的接近程度；图像网格显示最接近的输出。"
    ),
    "machine_about_trajectory": (
        "一次生成的全部 {total} 个去噪步骤，每步均经完整 VAE 解码；每一步均与最终图像比较。"
    ),
    # The parameters a study sweeps, in its items' labels ("strength 0.3, seed 1")
    "sweep_value": "{name} {value}",
    "sweep_strength": "重绘强度",
    "sweep_scale": "权重",
    "sweep_seed": "种子",
    "sweep_step": "步骤",
    "sweep_reference": "参照作品",
    "sweep_source": "源图像",
    # The over-fitting lab's methods paragraph (report/study.py), from its record's values
    "lab_methods": (
        "方法。对每个训练集规模 n（{sizes}），取 {folder} 的前 n 幅图像（共 {images} 幅带"
        "说明文字的图像，数据 SHA-256 {data_sha}\u2026），{start}训练一个 UNet：{steps} 步"
        "，批大小 {batch}（学习率 {rate}，偏移噪声 {offset}，每个 n 的训练预算相同），在 "
        "CPU 上进行；基础模型 {base}（SHA-256 {base_sha}\u2026）的 VAE 和文本编码器保持冻"
        "结，分辨率 {resolution} 像素；训练共用时 {minutes} 分钟。随后每个模型用训练说明文"
        "字、以训练中未用过的种子生成 {samples} 幅图像（{sampler}，{sample_steps} 步，CFG"
        " {cfg}）。每个样本都与每幅训练图像比较：按 Carlini 等（2023）的分块 L2——在 {tiles}"
        "\u00d7{tiles} 分块上取最大的 RMS 差值，RGB 缩放到 [0, 1]——找出最接近的训练图像；"
        "该距离不超过 {near} 时，样本计为近似副本；同时列出在训练集上最好的 SSIM（灰度）和"
        "最好的 pHash 相似度（1 \u2212 汉明距离 / 64）{clip}。由于是最佳匹配值，它们会仅因"
        "训练图像数量增加而偶然升高，因此只适合在同一规模内比较样本，不适合跨规模比较。整"
        "个实验用时 {total} 分钟。"
    ),
    "lab_from_base": "以基础模型的 UNet 为起点",
    "lab_from_random": "从随机权重开始",
    "lab_clip": "以及最好的 CLIP 图像–图像余弦相似度（{arch}，检查点 SHA-256 {sha}\u2026）",
    "lab_calibration": (
        "作为参照（中位数）：训练图像经 VAE 自身往返后的距离为 {vae}，训练集中最接近的另一幅图像的"
        "距离为 {other}。"
    ),
    "machine_near_copy_rule": "与最接近的训练图像的分块 L2 <= {value}",
    "machine_synthetic_scenes": "合成场景（{source}，场景类，种子 {seed}）",
    # A study's kind, its settings and a lab's columns (report/study.py)
    "study_kind_strength": "图生图重绘强度扫描",
    "study_kind_lora-scale": "LoRA 权重扫描",
    "study_kind_seeds": "种子扫描（记忆测试）",
    "study_kind_trajectory": "去噪轨迹",
    "setting_strengths": "重绘强度",
    "setting_seeds": "种子",
    "setting_scales": "LoRA 权重",
    "setting_lora": "LoRA 文件",
    "setting_batch_size": "批大小",
    "setting_cfg": "CFG 引导系数",
    "setting_init": "UNet 起点",
    "setting_learning_rate": "学习率",
    "setting_near_copy_l2": "近似副本阈值（分块 L2）",
    "setting_noise_offset": "偏移噪声（设定）",
    "setting_noise_offset_used": "偏移噪声（实际）",
    "setting_sample_steps": "采样步数",
    "setting_sampler": "采样器",
    "setting_samples": "每个模型的样本数",
    "setting_seed": "种子",
    "setting_sizes": "训练集规模",
    "setting_steps": "训练步数",
    "setting_folder": "训练图像",
    "setting_images": "图像数量",
    "setting_sha256": "SHA-256",
    "setting_path": "文件",
    "setting_resolution": "分辨率（像素）",
    "setting_nearest_other_training_image_tiled_l2": "最接近的另一幅训练图像（分块 L2，中位数）",
    "setting_vae_round_trip_tiled_l2": "VAE 往返（分块 L2，中位数）",
    "setting_lab": "实验",
    "setting_near_copy_rule": "近似副本规则",
    "setting_seconds": "用时（秒）",
    "setting_parameter": "扫描参数",
    "setting_arch": "架构",
    "setting_checkpoint": "检查点",
    "setting_checkpoint_sha256": "检查点 SHA-256",
    "setting_value_base": "基础模型的 UNet",
    "setting_value_random": "随机权重",
    "setting_value_overfit": "过拟合实验",
    "sweep_training_images": "训练图像数",
    "sweep_near_copy_fraction": "近似副本比例",
    "sweep_mean_nearest_tiled_l2": "与最接近图像的平均分块 L2",
    "sweep_mean_nearest_ssim": "平均最佳 SSIM",
    "sweep_mean_nearest_phash_similarity": "平均最佳 pHash 相似度",
    "sweep_mean_nearest_clip": "平均最佳 CLIP 余弦相似度",
    "sweep_train_seconds": "训练用时（秒）",
    # A reproduction's notes (analysis/reproduce.py)
    "machine_repro_normalised": "争议图像为比较而做了规范化处理：{note}",
    "machine_repro_peer": (
        "按 {generator} 的方式运行（{convention} 约定：其 sigma 调度、噪声、提示词语法和 "
        "8 位转换）；"
        "其 GPU 内核和库版本仍可能使最后几位有所不同"
    ),
    "machine_repro_recipe": (
        "生成参数来自 {generator}：采样器按算法对应，而非逐位一致，因此预期结果接近而非完全相同"
    ),
    "machine_repro_threads": (
        "记录未说明生成该图像时使用的 CPU 线程数；线程数不同时结果的最后一位可能不同"
    ),
    "machine_repro_env": (
        "记录的 {key} 为 {recorded}，复现时为 {used}：只有二者相同时才能预期逐位一致"
    ),
    "machine_repro_pixels_same": "争议图像的像素与其记录所称生成的像素相同",
    "machine_repro_pixels_differ": (
        "争议图像的像素与其记录所称生成的像素不同（生成后经过编辑或重新编码）"
    ),
    "machine_match_many": "有 {count} 个文件具有该 {kind}；使用了第一个",
    "machine_match_many_names": "有 {count} 个文件具有该名称；使用了第一个",
    "machine_match_by_name": (
        "没有文件具有所记录的 {kind} {value}；仅按名称匹配——找到的文件 SHA-256 为 {sha}\u2026，"
        "因此不是所记录的文件"
    ),
    "machine_match_hash_form": "{what}：所记录的哈希 {value}（{kind}）在此无法计算；仅按名称匹配",
    "machine_match_refiner_hash": "精炼模型：所记录的哈希 {value} 在此无法计算；仅按名称匹配",
    "machine_embedding_missing": "嵌入 {name} 不在模型文件夹中；其名称按文本编码",
    "machine_embedding_other": (
        "嵌入 {name}：{path} 的 SHA-256 为 {sha}\u2026，不是所记录的 {short}"
    ),
    # Reader warnings (analysis/provenance), the common ones
    "machine_warn_no_settings": "{source}：提示词之后没有参数行（3 个以上 `Key: value` 对）",
    "machine_warn_twice": "{source}：{key} 出现两次；与 A1111 一样采用后一个值",
    "machine_warn_size": "Size：{value} 不是“宽x高”格式",
    "machine_warn_tag_no_lora": "提示词标签 {tag} 未指明 LoRA",
    "machine_warn_lora_twice": "同一个 LoRA 被提及不止一次",
    "machine_warn_lora_no_tag": "LoRA {name} 有记录的哈希，但提示词中没有对应标签",
    "machine_warn_negative_lora": "负面提示词中含有 LoRA 标签；A1111 不会从那里加载它",
    "machine_warn_not_nodes": "{source}：不是由节点组成的 JSON 对象",
    "machine_warn_editor_graph": (
        "{source}：生成参数读自编辑器中的节点图；其控件值是编辑器当时的值，可能与实际运行的不同"
    ),
    "machine_warn_no_class_type": "{source}：JSON 中没有 ComfyUI 节点（无 class_type）",
    "machine_warn_no_sampler": "ComfyUI 节点图中没有可识别的采样器节点",
    "machine_warn_sampler_unused": "采样器节点 {node} 不影响所保存的图像；已列出，但不计入生成参数",
    "machine_warn_comfy_sampler": "ComfyUI 采样器 {name} 在 A1111 中没有对应项",
    "machine_warn_fooocus_sampler": "Fooocus 采样器 {name} 在 A1111 中没有对应项",
    "machine_warn_texts_joined": "有 {count} 段文本输入 {what} 条件；已按换行连接",
    "machine_warn_png_no_iend": "PNG 文件没有 IEND 块即结束（文件被截断？）",
    "machine_warn_png_after_iend": "PNG 的 IEND 块之后还有 {count} 字节",
    "machine_warn_png_crc": "偏移 {pos} 处的 PNG {name} 块 CRC 校验错误",
    "machine_warn_png_keyword_twice": "PNG 文本关键字 {key} 出现不止一次；采用第一个",
    "machine_warn_jpeg_no_eoi": "JPEG 文件没有图像结束标记（文件被截断？）",
    "machine_warn_jpeg_after_eoi": "JPEG 图像结束标记之后还有 {count} 字节",
    "machine_warn_wm_large": "水印：未读取，图像有 {pixels} 个像素（超过 {max}）",
    "machine_warn_wm_decode": "水印：无法解码像素（{error}）",
    "machine_warn_not_inflated": (
        "另有 {count} 个压缩文本块未解压：该文件的文本已超出其 {budget} 预算（首个：{first}）"
    ),
    "machine_warn_not_read": (
        "{count} 个元数据字段未读取：该文件的元数据已超出其 {budget} 预算（首个：{first}）"
    ),
    "machine_warn_inflate_budget": (
        "{what}：解压后超过该文件 {budget} 的文本预算；只读取到该处（{count} 字节）"
    ),
    "machine_warn_xmp_doctype": "{source}：XMP 声明了 DOCTYPE 或实体；未解析",
    "machine_warn_xmp_tags": "{source}：XMP 含 {tags} 个标签，超过 {max} 个；未解析",
    "machine_warn_digits": "{name}：整数超过 {max} 位",
    "machine_warn_refiner_switch": "refiner_switch：{value} 不是步数的比例（0 到 1）",
    # Translation: audit-log actions and details (report/sections.py)
    "audit_action_case created": "创建案件",
    "audit_action_schema migrated": "更新案件格式",
    "audit_action_import": "导入",
    "audit_action_verify": "核验",
    "audit_action_verified": "已核验",
    "audit_action_temporaries swept": "清除遗留的临时文件",
    "audit_import": "文件 #{id}，{role}，{name}，{size} 字节，SHA-256 {sha}\u2026",
    "audit_record": "记录 R{id}，内容 SHA-256 {sha}\u2026，关联 {links} 项",
    "audit_verified": (
        "核验前链头：第 {seq} 条（{hash}\u2026）；重新计算了 {objects} 个存储文件的哈希"
    ),
    "audit_key_value": "{name}：{value}",
    "audit_separator": "；",
    "audit_key_case_id": "案件编号",
    "audit_key_created_at": "创建时间（UTC）",
    "audit_key_format": "格式",
    "audit_key_schema_version": "格式版本",
    "audit_key_from": "原版本",
    "audit_key_to": "新版本",
    "audit_key_links": "关联",
    "audit_key_objects": "重新计算哈希的存储文件",
    "audit_key_head_before": "核验前链头",
    "earlier_reports_heading": "D. 此前由本案件生成的报告",
    "record": "记录",
    "title": "标题",
    "property_title": "案件名称",
    "property_examiner": "鉴定人",
    "property_organisation": "所属机构",
    "property_case_number": "案号",
    "property_court": "法院",
    "property_parties": "当事人",
    "property_instructing_party": "委托方",
    "property_description": "案情描述",
    "findings_heading": "鉴定人检验意见",
    "findings_none": "鉴定人未在本案件中记录检验意见。",
    "findings_intro": (
        "检验意见是鉴定人本人的表述，作为经审计的记录保存在案件中，针对某一证据、某项工作记录或其中的某一图表。"
        "后来撤回的检验意见以删除线显示；它仍保留在案件及其日志中。"
    ),
    "finding_status_ok": "无异常",
    "finding_status_check": "待核查",
    "finding_status_warning": "警示",
    "withdrawn": "已撤回",
    "record_ref": "记录 R{id}（{kind}）",
    "record_kind_comparison": "比对",
    "record_kind_reproduction": "复现",
    "record_kind_generation": "生成",
    "record_kind_study": "研究",
    "record_kind_lab": "过拟合实验",
    "record_kind_provenance": "来源信息",
    "record_kind_report": "报告",
    "record_kind_finding": "检验意见",
    "record_kind_amendment": "更正",
    "record_kind_exam": "模型检验",
    "record_kind_corpus_search": "参考库检索",
    "corpus_intro": (
        "以一幅图像检索参考作品库索引：按各感知哈希以及（索引含 CLIP 向量时）CLIP 余弦相似度，"
        "列出索引中与查询图像距离最近的作品。所检索的索引文件已存入案件，并以其 SHA-256 标识。"
    ),
    "corpus_query": "查询图像",
    "corpus_index": "索引文件",
    "corpus_index_value": "{name}，{size} 字节",
    "corpus_format": "索引格式",
    "corpus_root": "所索引的文件夹（按记录）",
    "corpus_entries": "索引中的作品数",
    "corpus_built": "建立 / 更新时间（UTC）",
    "corpus_hashes": "哈希类型",
    "corpus_clip": "CLIP 模型",
    "corpus_no_clip": "无（不含 CLIP 向量）",
    "corpus_kind": "检索方式",
    "corpus_kind_flat": "精确（flat）",
    "corpus_kind_hnsw": "近似，HNSW",
    "corpus_kind_ivfpq": "近似，IVF-PQ",
    "corpus_parameters": "参数",
    "corpus_recall": "实测 recall@10",
    "corpus_recall_value": "{recall}，相对精确检索（{queries} 个留出查询）",
    "corpus_engine": "检索引擎",
    "corpus_engine_value": "{engine}",
    "corpus_shards": "{shards} 个分片，在 {executor} 上检索后合并",
    "corpus_faiss_file": "FAISS 索引文件",
    "corpus_k": "每种度量的结果数",
    "corpus_metric_hash": "{metric}：汉明距离（位，越小越近）",
    "corpus_metric_clip": "CLIP：余弦相似度（越大越近）",
    "corpus_rank": "名次",
    "corpus_distance": "距离",
    "corpus_similarity": "相似度",
    "corpus_work": "作品（文件夹内路径）/ SHA-256",
    "corpus_note": "注：{note}",
    "corpus_colorhash": "颜色哈希",
    "machine_corpus_index": "所检索的参考库索引",
    "machine_corpus_query": "在参考库索引中检索",
    "machine_corpus_faiss": "参考库索引的 {kind} 检索索引",
    "machine_corpus_no_clip": "索引不含 CLIP 向量：未进行 CLIP 检索",
    "machine_corpus_no_model": "索引含 CLIP 向量（{arch}），但未提供 CLIP 模型：未进行 CLIP 检索",
    "machine_corpus_no_faiss": (
        "未安装 FAISS：未读取 {kind} 索引；CLIP 向量以精确方式检索（numpy 扫描）"
    ),
    "corpus_limit": (
        "局限：名次是图像之间的测量距离，并非一幅图像复制自另一幅的结论；近似检索可能遗漏相近作品"
        "（见其实测召回率）。"
    ),
    "exam_method": "方法",
    "exam_methods": "方法与文献",
    "exam_model": "受检模型",
    "exam_lora": "LoRA",
    "exam_settings": "设置",
    "exam_settings_value": (
        "种子 {seed}；时间步 {timesteps}；图像尺寸 {size}；设备 {device}，{dtype}"
    ),
    "exam_kind_membership": "成员推断检验",
    "exam_kind_set": "集合检验",
    "exam_kind_prompts": "记忆提示词筛查",
    "exam_kind_attribute": "生成模型溯源",
    "exam_membership": (
        "成员推断检验：模型对待每件作品是否如同对待其训练数据？每件作品由各方法在记录的噪声和时间步"
        "下评分，并与已知不在训练集中的对照作品比较。分数越低越像训练成员；p 值 =（1 + 分数不高于该"
        "作品的对照数）/（1 + 对照数）；效应量 =（对照均值 − 作品分数）/ 对照标准差。"
    ),
    "exam_set": (
        "集合检验：这些作品作为一个集合，其分数是否如同训练数据？统计量在测量前确定，为对照均值减去"
        "作品均值；其 p 值来自设定种子的置换检验。"
    ),
    "exam_prompts": (
        "记忆提示词筛查（Wen 等，ICLR 2024）：前几步中以文本为条件的噪声幅度，在固定种子下取值，"
        "与参考提示词集比较得出稳健 z 值；被标记的提示词表现如同被记忆的提示词。"
    ),
    "exam_attribute": (
        "图像出自哪个模型（AEROBLADE，CVPR 2024）：图像经各模型 VAE 重建后的距离，以各模型自身生成"
        "的图像和非生成图像校准。VAE 完全相同的模型无法区分。"
    ),
    "exam_limit": (
        "局限：对大型预训练基础模型进行的单图像成员推断检验并不可靠（CopyMark，2024）；对微调模型、"
        "LoRA 和小训练集则效果很强。p 值低说明模型对待该作品如同对待其训练数据，并不说明作品是如何"
        "进入模型的。"
    ),
    "exam_limit_attribute": (
        "局限：排序仅在所检验的本地模型之间进行；出自未检验模型的图像仍可能落入某一模型的校准范围，"
        "且错误率仅在少量留出图像上测得（见其上限）。"
    ),
    "exam_works_table": "作品：各方法的分数、p 值和效应量",
    "exam_controls_table": "对照：各方法的分数",
    "exam_delta_table": "LoRA 带来的变化（Δ 分数，加 LoRA 减去不加）",
    "exam_adjusted_table": (
        "按基础模型校正后的 LoRA 变化：加 LoRA 后的对数分数减去对照作品（相对其基础模型分数）"
        "所拟合的直线（每件对照以其余对照拟合的直线计算）"
    ),
    "exam_col_work": "作品",
    "exam_col_control": "对照",
    "exam_col_method": "方法",
    "exam_col_score": "分数",
    "exam_col_p": "p 值",
    "exam_col_effect": "效应量",
    "exam_col_rank": "名次",
    "exam_col_statistic": "统计量",
    "exam_col_significant": "显著",
    "exam_set_table": (
        "集合检验：{works} 件作品，{controls} 件对照，α = {alpha}；此数量所能达到的最小 p 值为 "
        "{floor}；最小 N 为 {minimum}"
    ),
    "exam_col_prompt": "提示词",
    "exam_col_magnitude": "幅度",
    "exam_col_z": "稳健 z 值",
    "exam_col_flagged": "已标记",
    "exam_col_tokens": "词元（占比）",
    "exam_prompts_table": "已筛查的提示词（{count} 条中标记 {flagged} 条）",
    "exam_reference": "参考：{kind}，{count} 条提示词，中位数 {median}，MAD {mad}",
    "exam_col_model": "模型",
    "exam_col_distance": "距离",
    "exam_col_threshold": "阈值",
    "exam_col_fnr": "误拒率（留出）",
    "exam_col_fa_models": "误认率：其他模型",
    "exam_col_fpr": "误认率：非生成图像",
    "exam_col_first": "排名第一的比例",
    "exam_col_within": "在校准范围内",
    "exam_ranking_table": "本地模型排序（距离越小越接近）",
    "exam_indistinguishable": (
        "此方法无法区分：{models} 载入的 VAE 张量完全相同（SHA-256 相同），任何图像经它们重建的"
        "结果都一样；它们在排序中并列同一名次。"
    ),
    "exam_vae_group": "VAE 组 {group}",
    "exam_held_out_note": (
        "每个模型的阈值以其自身种子为 {fit} 的生成图像、其他模型以相同种子生成的图像和合成的非生成"
        "图像拟合；其错误率在种子为 {held} 的生成图像和 {real} 张非生成图像上测得，这些图像均未用于"
        "任何阈值。当某模型的 VAE 排名第一且距离在其阈值以内时，图像即归于该模型；每个比率均给出"
        "错误数/总数及单侧 95 % 上限（Clopper–Pearson）。"
    ),
    "exam_held_out_summary": (
        "留出的生成图像中，自身 VAE 排名第一的比例：{first}；归于其模型的比例：{attributed}。"
        "留出的非生成图像被排名第一的模型接受的比例：{accepted}。"
    ),
    "exam_yes": "是",
    "exam_no": "否",
    "exam_seconds": "运行时间",
    "exam_plot_title": "作品分数在对照中的位置",
    "exam_plot_caption": (
        "图：各方法的分数，对照（灰色）与作品（红色）在同一轴上；分数越低越像训练成员。"
        "根据记录中的数值绘制。"
    ),
    "exam_name_loss": "时间步损失（Matsumoto 等，2023；Hu 与 Pang，2023）",
    "exam_name_pia": "PIA，近端初始化（Kong 等，ICLR 2024）",
    "exam_name_sima": "SimA，单次查询噪声预测范数（Rao 等，TMLR 2025）",
    "exam_short_loss": "损失",
    "exam_short_pia": "PIA",
    "exam_short_sima": "SimA",
    "exam_validation_intro": (
        "这些方法在答案已知时的表现：本工作站自身的基准测试（{measured} 在 CPU 上测得）。"
        "这些数字来自本工作站的小模型，其训练成员身份已知；它们不是此处所检验模型的错误率。"
    ),
    "exam_validation_lab": (
        "过拟合实验室模型（在 1、5、50 或 500 件合成作品上对内置模型整体微调）："
        "ROC 曲线下面积（AUC）/ 假阳性率 1 % 时的真阳性率，训练作品对比同类未见作品。"
    ),
    "exam_validation_size": "训练作品数",
    "exam_validation_images": "成员 / 未见",
    "exam_validation_reversed": "AUC（反向读法）",
    "exam_validation_auc": "AUC（常规读法）",
    "exam_validation_stat_delta": "{m}，LoRA 带来的 Δ",
    "exam_validation_stat_adjusted": "{m}，按基础模型校正的 Δ",
    "exam_validation_lora": (
        "以内置模型训练的 LoRA：以该作品训练的 LoRA 在 {controls} 件对照作品中得到 p ≤ 0.02 "
        "的次数，以及未以该作品训练的 LoRA 得到 p > 0.1 的次数。"
    ),
    "exam_validation_method": "方法",
    "exam_validation_one_work": "以该作品训练：p ≤ 0.02",
    "exam_validation_other_works": "未以该作品训练：p > 0.1",
    "exam_validation_median_p": "p 中位数",
    "exam_reference_generic": "随附的通用提示词",
    "exam_reference_batch": "本批提示词自身",
    "exam_kind_extract": "训练数据提取尝试",
    "exam_extract": (
        "训练数据提取尝试（FineXtract：Wu、Zhang 与 Wu，2024，arXiv 2410.03039，"
        "模型引导）：生成图像时，噪声预测从基础模型向 LoRA 方向外推，"
        "ε = ε_base(x_t, ∅) + w'·(ε_LoRA(x_t, c) − ε_base(x_t, ∅))，其中 w' = 1/λ，"
        "λ 为微调数据在 LoRA 所学分布中所占的比重；生成的图像经聚类（在 16×16 灰度缩略图上"
        "以设定种子的 k-means），每个簇的中心图像与案件中最接近的参考作品配对。"
    ),
    "exam_extract_settings": (
        "w' = {scale}（λ = {lam}）；{count} 张图像，种子 {first}–{last}；DDIM {steps} 步；"
        "{clusters} 个簇；{size} 像素"
    ),
    "exam_extract_prompt": "提示词（LoRA 的训练标注）",
    "exam_extract_empty": "无（空标注）",
    "exam_extract_table": "各簇及案件中 {works} 件参考作品里最接近者",
    "exam_col_cluster": "簇",
    "exam_col_images": "图像数",
    "exam_col_centre": "中心",
    "exam_col_spread": "离散度",
    "exam_col_nearest": "最接近的作品",
    "exam_col_metric": "度量",
    "exam_metric_phash": "pHash（汉明距离）",
    "exam_extract_metric_note": (
        "距离：两幅图像 64 位感知哈希（pHash，analysis/hashes.py）之间的汉明距离：0 = 哈希相同；"
        "两幅无关图像约有 32 位不同。"
    ),
    "exam_extract_seed": "种子 {seed}",
    "exam_extract_no_work": "案件中没有参考作品",
    "exam_extract_centre": "簇 {cluster}：中心图像，种子 {seed}",
    "exam_extract_nearest": "最接近的作品：{work}，pHash 距离 {distance} / 64",
    "exam_limit_extract": (
        "局限：提取出的图像与某件作品接近，说明该 LoRA 能够复现该作品；"
        "没有接近的图像并不能证明其不存在（图像数量少、w' 较小，或 LoRA 学到的是风格而非"
        "具体作品）。最接近的作品仅在案件的参考作品中、按一种度量选出。"
        "对大型预训练基础模型进行的单图像成员推断信号并不可靠（CopyMark，2024）；"
        "对微调模型、LoRA 和小训练集则效果很强。"
    ),
    "machine_extraction_seed": "提取，种子 {seed}",
    "recorded_by": "由 {actor} 于 {time} UTC 记录",
    "amendments_heading": "{letter}. 更正记录及其历史",
    "amendments_intro": (
        "案件中的任何内容都不会被原地修改。案件属性、文件的角色或备注、或某条记录，均通过更正记录加以纠正，"
        "更正本身也是经审计的记录；报告显示当前值，本表列出每一次更正及其所替换的值。"
    ),
    "amendment_what": "更正对象",
    "amendment_previous": "原值",
    "amendment_value": "新值",
    "amendment_reason": "更正理由",
    "amended_case": "案件属性：{field}",
    "amended_artifact": "{ref}：{field}",
    "amended_record": "记录 R{id}",
    "prov_heading": "导入时记录的来源信息",
    "prov_none": "导入时未生成来源信息记录。本报告仅陈述案件中的记录，不重新读取该文件。",
    "prov_intro": (
        "文件记载了以下关于其生成方式的信息，均为导入时读取（记录 R{id}，{created} UTC）。"
        "标有 \u2020 的值为读取程序推断所得，文件中并未记载。"
        "原始元数据字段保存在记录中，此处不予打印。"
    ),
    "prov_other_file": "该记录描述的是 SHA-256 为 {sha} 的文件，而非本证物的存储文件。",
    "prov_unreadable": "来源信息记录 R{id} 无法读取：{error}",
    "prov_generator": "生成程序",
    "prov_version": "版本",
    "prov_no_recipe": "文件中未记载生成参数。",
    "prov_recipe_heading": "生成参数 {n}：{generator}，读取自 {source}",
    "prov_prompt": "提示词",
    "prov_negative": "反向提示词",
    "prov_vae": "VAE",
    "prov_clip_skip": "CLIP 跳过层数",
    "prov_hires": "高分辨率修复",
    "prov_refiner": "精修模型",
    "prov_stage": "阶段",
    "prov_sampler": "采样器 / 调度",
    "prov_steps": "步数",
    "prov_cfg": "CFG",
    "prov_seed": "种子",
    "prov_size": "尺寸",
    "prov_denoise": "去噪强度",
    "prov_model": "模型",
    "prov_steps_range": "第 {start}\u2013{end} 步（共 {steps} 步）",
    "prov_single_pass": "单次采样",
    "prov_models": "生成参数中载明的模型文件",
    "prov_role": "用途",
    "prov_name": "名称",
    "prov_hash": "记载的哈希值",
    "prov_found_in": "出处",
    "prov_no_hash": "未记载",
    "prov_lora_scale": "权重 {scale}",
    "prov_lora_te": "文本编码器 {scale}",
    "prov_inferred_note": "\u2020 {field}：推断值，文件中未记载：{how}",
    "prov_more_chars": "\u2026（另有 {count} 个字符）",
    "prov_more_rows": "\u2026 另有 {count} 项",
    "prov_role_base": "基础",
    "prov_role_refiner": "精修",
    "prov_role_hires": "高分辨率修复",
    "prov_role_detailer": "细节修复",
    "prov_role_pass": "其他采样",
    "prov_role_checkpoint": "主模型",
    "prov_role_unet": "UNet",
    "prov_role_vae": "VAE",
    "prov_role_clip": "文本编码器",
    "prov_role_lora": "LoRA",
    "prov_role_upscaler": "放大模型",
    "prov_role_controlnet": "ControlNet",
    "prov_role_embedding": "嵌入（文本反演）",
    "prov_iptc_heading": "IPTC / XMP",
    "prov_source_type": "数字来源类型（IPTC）",
    "prov_ai_system": "AI 系统",
    "prov_ai_version": "AI 系统版本",
    "prov_ai_prompt": "AI 提示词",
    "prov_ai_writer": "AI 提示词作者",
    "prov_creator_tool": "创建工具（XMP）",
    "prov_c2pa_heading": "内容凭证（C2PA）",
    "prov_c2pa_none": "文件中未记载 C2PA 清单。",
    "prov_c2pa_state": "状态",
    "prov_c2pa_embedded": "内嵌：清单已离线读取并验证",
    "prov_c2pa_remote": "远程：文件指向服务器上的清单，未予获取",
    "prov_c2pa_error": "存在但无法读取",
    "prov_c2pa_unavailable": "未检查：未安装 C2PA 读取程序",
    "prov_validation": "验证状态",
    "prov_signer": "签名者",
    "prov_signed_at": "签名时间",
    "prov_claim_generator": "声明生成程序",
    "prov_generated_by": "内容生成工具",
    "prov_trust": "信任",
    "prov_trust_trusted": "受信任：签名者可追溯至内置的信任锚",
    "prov_trust_untrusted": "不受信任：签名有效，但签名者不在内置的信任列表中",
    "prov_trust_invalid": "无效：签名未通过验证",
    "prov_trust_list": "所用信任列表：{name}",
    "prov_hard_binding": "硬绑定",
    "prov_binding_matches": "一致：文件字节与清单哈希所覆盖的内容一致",
    "prov_binding_mismatch": "不一致：文件字节与清单哈希所覆盖的内容不同",
    "prov_reason_codes": "原因代码",
    "prov_c2pa_source_types": "数字来源类型（C2PA）",
    "prov_remote_url": "远程清单",
    "prov_not_fetched": "{url}（文件中载明，未予获取）",
    "prov_error": "错误",
    "prov_manifests": "清单",
    "prov_manifest_active": "当前清单",
    "prov_actions": "操作",
    "prov_ingredients": "成分",
    "prov_watermark_heading": "隐形水印",
    "prov_watermark_none": "导入时未记录隐形水印读取结果。",
    "prov_method": "方法",
    "prov_message": "信息（嵌入者）",
    "prov_matched": "吻合位数",
    "prov_matched_value": "{matched} / {length}",
    "prov_reading": "读数",
    "prov_reading_detected": "检出",
    "prov_reading_not_detected": "未检出",
    "prov_reading_inconclusive": "不确定",
    "prov_watermark_caveat": (
        "水印读取结果仅描述所存储的像素。未检出水印不能证明任何事情：重新编码、缩放或裁剪均可去除水印。"
        "任何人都可以向任何图像添加水印，因此检出水印并不表明图像由谁生成。"
    ),
    "prov_warnings": "读取程序提示",
    # Report structures (expert/appraisal): report/structure.py
    "not_recorded": "未记录",
    "date_range": "{start} 至 {end}",
    "expert_subtitle": "专家报告：图像证据检验",
    "cover_notice": (
        "生成本报告的软件只进行测量和记录，不作任何法律结论。本报告中的检验意见均为鉴定人本人的"
        "意见。"
    ),
    "expert_instructions": "委托事项与范围",
    "expert_instructions_text": "委托事项",
    "expert_materials": "所检验的材料",
    "expert_integrity": "存储文件的完整性",
    "expert_results": "检验结果",
    "limitations_heading": "局限性",
    "limitations": (
        "各项检验描述的是案件中所存储的文件，每个文件以其 SHA-256 标识；检验结果不涉及该文件的其他"
        "副本，"
        "也不说明文件是如何产生的或由谁制作。\n\n"
        "相似度测量只说明两幅图像的相近程度。高度相近既可能源于复制，也可能源于共同的来源，或源于对"
        "同一题材"
        "的独立创作；分级区间（见方法说明）是经校准的范围，而非概率。\n\n"
        "元数据、水印和内容凭证可因重新编码而被去除，也可由任何人添加：其缺失不能证明任何事情，其存"
        "在也不能"
        "表明图像由谁制作。\n\n"
        "复现结果一致，表明所记录的生成参数在找到的模型上能够生成该图像；并不表明该图像确实以此方式"
        "、由何人"
        "或于何时生成。\n\n"
        "各方法自身的局限已在方法说明中逐项列明。本软件只记录和测量，不作任何法律结论；检验意见均为"
        "鉴定人"
        "本人的表述。"
    ),
    "expert_declaration": "声明",
    "declaration_intro": "本人{examiner}声明如下：",
    "declaration_intro_org": "本人{examiner}（{organisation}）声明如下：",
    "declaration_court": "{name}",
    "declaration_court_default": "法庭",
    "declaration_party": "委托方（{name}）",
    "declaration_party_default": "委托方",
    "declaration_items": (
        "本人理解，本人出具本报告的职责是就本人专业范围内的事项协助{court}，该职责优先于本人对"
        "{instructing_party}或任何向本人支付报酬者所负的义务。本人已履行并将继续履行该职责。\n\n"
        "本人已列明所检验的材料、所用的方法及其结果。本报告中的测量和记录由 {software} 完成；该软件"
        "只记录"
        "和测量，不作任何法律结论；本报告中的全部检验意见均为本人的意见。\n\n"
        "本人已区分本报告中哪些事实和事项属于本人亲身所知、哪些不属于，并已说明所依据事实的来源。\n"
        "\n"
        "本人已指出本人所知的、可能对本人意见产生不利影响的一切事项，并已说明所用方法的局限。对于超"
        "出本人"
        "专业范围的事项，或本人未能形成确定意见的事项，本人已予说明。\n\n"
        "如本报告因任何原因需要更正或限定，本人将立即告知{instructing_party}和{court}；任何更正均将"
        "作为"
        "更正记录保存在案件中，并保留被替换的原值。"
    ),
    "statement_of_truth_heading": "真实性声明",
    "statement_of_truth": (
        "本人确认，本人已区分本报告所述事实和事项中哪些属于本人亲身所知、哪些不属于。属于本人亲身所"
        "知的，"
        "本人确认其真实；本人所表达的意见代表本人对相关事项真实、完整的专业意见。"
    ),
    "expert_signature": "签名",
    "signature_name": "姓名",
    "signature_appraiser": "鉴定人",
    "signature_date": "日期",
    "signature_line": "签名",
    "findings_about_heading": "鉴定人对此的检验意见",
    "findings_about_none": "鉴定人未就此记录检验意见。",
    "finding_figure": "针对图表“{figure}”",
    "geometry_arrow": "箭头：从 ({x1}, {y1}) 到 ({x2}, {y2})，长 {length} 像素，位于{on}",
    "geometry_distance": "距离 {length} 像素：从 ({x1}, {y1}) 到 ({x2}, {y2})，位于{on}",
    "geometry_angle": "角度 {degrees}°：顶点 ({x}, {y})，位于{on}",
    "geometry_box": "方框：左上角 ({x}, {y})，{w} × {h} 像素，位于{on}",
    "geometry_region": "区域：左上角 ({x}, {y})，{w} × {h} 像素（{area} 平方像素），位于{on}",
    "geometry_callout": "标注：({x}, {y})，位于{on}：“{text}”",
    "geometry_detail": (
        "{on}的局部（横向像素 {x0}–{x1}，纵向像素 {y0}–{y1}，已放大），其上的图形由本工作站"
        "依据检验意见中鉴定人绘制的几何信息画出；存储的文件未作改动。坐标为自左上角起算的图像像素。"
    ),
    "appraisal_subtitle": "电子数据鉴定意见书",
    "appraisal_basic": "基本情况",
    "appraisal_client": "委托人",
    "appraisal_matter": "委托事项",
    "appraisal_accepted": "受理日期",
    "appraisal_materials": "鉴定材料",
    "appraisal_materials_value": "检材 {count} 份，见下表（附校验值）",
    "appraisal_dates": "鉴定日期",
    "appraisal_place": "鉴定地点",
    "appraisal_check_values": "校验值（SHA-256、SM3）",
    "appraisal_case": "检案摘要",
    "appraisal_case_none": "委托人提供的案情摘要未记录（案件属性“案情描述”）。",
    "appraisal_process": "检验过程",
    "appraisal_integrity": "检材完整性校验",
    "appraisal_exhibits": "检材情况",
    "appraisal_records": "检验记录",
    "appraisal_analysis": "分析说明",
    "appraisal_opinion": "鉴定意见",
    "opinion_intro": "以下为鉴定人在案件中记录的意见原文。本软件不作任何结论。",
    "opinion_none": "鉴定人未记录检验意见，故本文书不载明鉴定意见。",
    "opinion_source": "针对：{about}；状态：{status}；{when}",
    "appraisal_signature": "落款",
    "appraisal_attachments": "附件",
    # Record tables, framing rules, figures and the attached records file (report/records.py,
    # measurements.py, figures.py)
    "record_attached": "完整记录见本 PDF 附带的 workstation-records.json（见附录）。",
    "also_recorded": "记录中还有（完整内容见附件）：{keys}。",
    "details_heading": "测量细节",
    "settings_heading": "设置与软件",
    "col_common_frame": "共同画幅",
    "col_registered": "配准后",
    "row_compared_size": "比较尺寸",
    "row_compared_share": "参与比较的 A 画幅比例",
    "row_mean_difference": "平均 |A − B|（占满量程）",
    "row_changed": "差值超过 {level}/255 的像素",
    "kp_counts": "A / B 中的 SIFT 关键点",
    "kp_matches": "通过比值检验的匹配",
    "kp_inliers": "内点（与同一单应变换一致）",
    "kp_mirrored": "匹配前 B 是否镜像",
    "kp_status": "结果",
    "kp_homography": "单应矩阵 B → A（3 × 3）",
    "clip_image_similarity": "CLIP 图像相似度（余弦）",
    "clip_text_similarity": "{side} 与提示词的 CLIP 相似度",
    "clip_prompt": "提示词",
    "clip_model": "CLIP 模型",
    "yes": "是",
    "no": "否",
    "settings_ssim": (
        "灰度转换：{greyscale}；高斯窗口 σ = {sigma}（高斯加权 {gaussian_weights}；"
        "样本协方差 {use_sample_covariance}）；数据范围 {data_range}"
    ),
    "settings_keypoints_label": "关键点",
    "settings_keypoints": (
        "{detector}，每幅图像至多 {max_features} 个特征，长边至多 {working_side} 像素；"
        "Lowe 比值检验 {ratio}；RANSAC 重投影阈值 {ransac_reprojection_px} 像素；"
        "至少 {min_inliers} 个内点；随机种子 {rng_seed}"
    ),
    "software_versions": "软件",
    "computation_time": "计算时间",
    "computation_time_value": "共 {ms} 毫秒（各方法的用时见附带记录）",
    "compared_at": "比较时间（UTC）",
    "framing_heading": "两幅图像如何放入同一画幅",
    "framing_metrics": "方法",
    "framing_rule": "画幅规则",
    "run_heading": "运行情况",
    "run_started": "开始（UTC）",
    "run_finished": "结束（UTC）",
    "run_seconds": "用时",
    "run_seconds_value": "{seconds} 秒",
    "run_output": "输出像素",
    "run_output_value": "{w} × {h} 像素；RGB 像素的 SHA-256",
    "run_study_item": "研究条目",
    "env_rng": "随机数",
    "env_deterministic": "确定性算法",
    "env_threads": "CPU 线程数",
    "study_settings": "研究设置",
    "study_kind": "类型",
    "study_reference": "参照图像",
    "study_counts": "条目",
    "study_counts_value": "共 {items} 个：新生成 {generated} 个，复用 {reused} 个",
    "attached_heading": "本 PDF 附带的文件",
    "attached_intro": (
        "本 PDF 内嵌以下文件（PDF 阅读器将其列为附件，pdfdetach -list 亦可列出）。此处给出每个"
        "文件的 SHA-256，以便核对副本。"
    ),
    "attached_file": "文件",
    "attached_holds": "内容",
    "attached_size": "大小（字节）",
    "attached_anchor": "本报告所依据的案件 ID、报告 ID 和审计链头",
    "attached_records": (
        "本报告所示的全部记录的完整内容：ID、类型、时间、链接、内容 SHA-256 和内容（规范 JSON）"
    ),
    "colour_scale_caption": (
        "色标：每个像素 R、G、B 三通道中的最大差值，以 8 位灰阶计，从 0（黑色，相同）到 255"
        "（浅黄色）；标记处为 {level}，超过此值的像素计为有变化"
    ),
    "colour_scale_outside": "中灰色：比较区域以外",
    "trajectory_figure": (
        "图：去噪轨迹，共 {total} 步，保留 {kept} 步，从噪声（左上）到最终图像；每幅标注步数和"
        "调度器的时间步 t，t 逐步减小至 0（清晰图像）"
    ),
    "trajectory_figure_no_t": (
        "图：去噪轨迹，共 {total} 步，保留 {kept} 步，从噪声（左上）到最终图像；该记录未保存时间步"
        "（生成于开始保存时间步之前）"
    ),
    "step_timestep": "第 {n} / {total} 步\nt = {t}",
}

_TABLES = {"en": EN, "zh": ZH}


class _Plural(string.Formatter):
    """`{count:exhibit|exhibits}` prints the count and the word for it ("1 exhibit", "6
    exhibits"); any other field formats as usual."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" not in format_spec:
            return super().format_field(value, format_spec)
        one, other = format_spec.split("|")
        return f"{value} {one if str(value) == '1' else other}"


_FORMATTER = _Plural()


class Strings:
    """`strings(key, **values)`: the text for `key` in one language, formatted."""

    def __init__(self, lang: str = "en"):
        if lang not in _TABLES:
            raise ValueError(f"unknown report language {lang!r}")
        self.lang = lang
        self.table = _TABLES[lang]

    def __call__(self, key: str, /, **values: object) -> str:
        text = self.table[key]
        return _FORMATTER.format(text, **values) if values else text

    def has(self, key: str) -> bool:
        return key in self.table
