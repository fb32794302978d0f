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


def _figures(monkeypatch):
    """Keep the figures write_plots makes (stem -> figure) open for inspection."""
    import matplotlib.pyplot as plt

    from kriegsspiel.report import plots

    made = {}
    real = plots._save
    monkeypatch.setattr(plots, "_save", lambda fig, outdir, stem: (made.__setitem__(stem, fig), real(fig, outdir, stem))[1])
    monkeypatch.setattr(plt, "close", lambda fig=None: None)
    return made


def _wide_ensemble(ensemble):
    """The Otsu shape that collided: Soviet missing from 100,000 to 340,000, a claim at 368,411; Japanese killed
    from 26,000 to 90,000."""
    cas = ensemble["casualties"]
    cas["ussr"]["missing"] = {"p10": 153992, "p50": 231002, "p90": 282020, "samples": list(range(104000, 336000, 2320))}
    cas["japan"]["killed"] = {"p10": 35984, "p50": 54376, "p90": 69637, "samples": list(range(26000, 91000, 650))}
    return ensemble


def test_ensemble_ticks_are_few_and_never_meet_and_the_band_is_drawn(result, ensemble, tmp_path, monkeypatch):
    # ensemble.png's x tick labels ran together ("100000150000200000...") and the 10-90 % band it described was
    # not drawn where there were samples
    made = _figures(monkeypatch)
    check = {"claims": [{"side": "ussr", "category": "missing", "claimed": 368411},
                        {"side": "ussr", "category": "killed", "claimed": 417006}]}
    write_plots(result, tmp_path, _wide_ensemble(ensemble), check=check)
    fig = made["ensemble"]
    r = fig.canvas.get_renderer()
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == 6
    for ax in panels:
        labels = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
        lo, hi = ax.get_xlim()
        labels = [t for t in labels if lo <= t.get_position()[0] <= hi]
        assert 2 <= len(labels) <= 6, (ax.get_title(), [t.get_text() for t in labels])
        boxes = [t.get_window_extent(r) for t in labels]
        assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), \
            (ax.get_title(), [t.get_text() for t in labels])
        assert all(len(t.get_text()) <= 6 for t in labels), [t.get_text() for t in labels]
        assert ax.get_xlabel().endswith("men)"), ax.get_xlabel()
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert any(t.startswith("10–90 % of runs: ") for t in legend), legend
        assert any(t.startswith("median ") for t in legend), legend
        spans = [p for p in ax.patches if p.get_label().startswith("10–90 %")]
        assert len(spans) == 1                                  # the band itself, behind the histogram
    assert "10–90 % band" in fig._suptitle.get_text()
    soviet_missing = next(ax for ax in panels if ax.get_title() == "Soviet Union: missing")
    assert soviet_missing.get_xlabel() == "missing (thousand men)" and soviet_missing.get_ylabel() == "runs (count)"


def test_the_map_shows_every_place(result, tmp_path, monkeypatch):
    # the map stopped at 85 deg E, leaving Novosibirsk (82.9 deg E) out; places beyond the packaged coastline are
    # drawn on a "no map data" ground
    result["places"].append({"name": "Novosibirsk", "lat": 55.0084, "lon": 82.9357, "kind": "city", "initial_owner": "ussr"})
    result["control"]["Novosibirsk"] = "ussr"
    made = _figures(monkeypatch)
    write_plots(result, tmp_path)
    ax = made["map"].axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for p in result["places"]:
        assert x0 < p["lon"] < x1 and y0 < p["lat"] < y1, p["name"]
    assert "no map data" in [t.get_text() for t in ax.get_legend().get_texts()]
