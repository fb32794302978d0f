from kriegsspiel.report.plots import write_plots


def test_write_plots_png_and_svg(result, ensemble, tmp_path):
    paths = write_plots(result, tmp_path / "fig", ensemble)
    names = sorted(p.name for p in paths)
    assert names == sorted(f"{s}.{e}" for s in ("strength", "casualties", "map", "ensemble") for e in ("png", "svg"))
    for p in paths:
        data = p.read_bytes()
        assert len(data) > 2000
        assert data[:8] == b"\x89PNG\r\n\x1a\n" if p.suffix == ".png" else b"<svg" in data[:2000]


def test_no_ensemble_no_ensemble_figure(result, tmp_path):
    names = {p.stem for p in write_plots(result, tmp_path)}
    assert names == {"strength", "casualties", "map"}


def test_names_are_plain_text_in_figures(result, ensemble, tmp_path):
    # a side or place named like matplotlib math text ("$\frac{$") used to crash the figures
    for side in result["sides"].values():
        side["name"] = side["adjective"] = "$\\frac{$ " + side.get("name", "")
    paths = write_plots(result, tmp_path, ensemble)
    assert len(paths) == 8


def test_every_axis_is_labelled_and_says_which_run(result, ensemble, tmp_path, monkeypatch):
    # ensemble.png had no axis labels; casualties.png and strength.png did not say which run they draw
    import matplotlib.pyplot as plt

    from kriegsspiel.report import plots

    made = []
    real = plots._save

    def keep(fig, outdir, stem):
        made.append((stem, fig))
        return real(fig, outdir, stem)

    monkeypatch.setattr(plots, "_save", keep)
    monkeypatch.setattr(plt, "close", lambda fig=None: None)
    write_plots(result, tmp_path, ensemble)
    assert {s for s, _ in made} == {"strength", "casualties", "map", "ensemble"}
    for stem, fig in made:
        for ax in fig.axes:
            if not ax.axison or not (ax.lines or ax.patches or ax.collections):
                continue
            assert ax.get_xlabel() and (ax.get_ylabel() or stem == "ensemble"), (stem, ax.get_title())
        if stem != "ensemble":
            assert "run" in fig.axes[0].get_title() and "seed" in fig.axes[0].get_title(), stem


def test_map_labels_do_not_overlap_and_the_front_is_drawn(monkeypatch, tmp_path):
    # the map piled labels over Manchuria and Primorye and had no front
    import matplotlib.pyplot as plt

    from kriegsspiel import api
    from kriegsspiel.report import plots

    made = {}
    real = plots._save
    monkeypatch.setattr(plots, "_save", lambda fig, outdir, stem: (made.__setitem__(stem, fig), real(fig, outdir, stem))[1])
    monkeypatch.setattr(plt, "close", lambda fig=None: None)
    result = api.run("operation-otsu", seed=1).to_dict()
    write_plots(result, tmp_path)
    fig = made["map"]
    ax = fig.axes[0]
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in ax.texts if t.get_visible()]
    assert len(boxes) >= 20
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert any("front" in t.get_text() for t in ax.get_legend().get_texts())
