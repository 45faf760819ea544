"""Shared data files and the per-record time limit, through the CLI."""

import signal

RECORD = ("layout: embassy-section\ntitle: T\nissuer: I\ndate: 2026-01-05\n"
          "highlight: 'More than {text} so far.'\n")


def write_record(project, text: str, name: str = "probe"):
    """Write a small embassy record whose highlight is `text`; return its path relative to the project."""
    path = project / "sources" / f"{name}.yaml"
    path.write_text(RECORD.format(text=text), encoding="utf-8")
    return f"sources/{name}.yaml"


def test_shared_values_print_with_every_filter(project, run_cli):
    """Series years, single values, metadata and filters all reach shared figures."""
    path = write_record(project, "{{ data.assistance.laos_inl_since_1989 | money }}, "
                                 "{{ data.unodc.laos_opium_ha[2018] | number }} {{ data.unodc.laos_opium_ha.unit }} "
                                 "as of {{ data.unodc.laos_opium_ha.as_of | date }}")
    result = run_cli("check", path, cwd=project)
    assert result.code == 0, result.err
    from sheets import document

    from pipeline.document.tree import body_text
    text = body_text(document(project / path, project / "templates", project / "sources" / "data"))
    assert "More than $48,000,000, 5,700 ha as of December 31, 2018 so far." in text


def test_unknown_file_and_figure_are_located_with_suggestions(project, run_cli):
    """A typo in a shared reference points at the typo and suggests the right name."""
    path = write_record(project, "{{ data.undoc.laos_opium_ha[2018] }} and {{ data.unodc.laos_opium[2018] }}")
    result = run_cli("check", path, cwd=project)
    assert result.code == 1
    assert ("sources/probe.yaml:5:31: error: in 'highlight': no shared-data file 'undoc' — did you mean "
            "'unodc'?") in result.err
    assert "hint: shared data lives in sources/data/<name>.yaml; files: assistance, unodc" in result.err


def test_a_figure_of_a_shared_file_is_suggested(project, run_cli):
    """A misspelt shared figure names the file and suggests the figure."""
    path = write_record(project, "{{ data.unodc.laos_opium[2018] }}")
    result = run_cli("check", path, cwd=project)
    assert ("sources/probe.yaml:5:37: error: in 'highlight': sources/data/unodc.yaml has no figure "
            "'laos_opium' — did you mean 'laos_opium_ha'?") in result.err


def test_printing_a_data_file_itself_is_refused_plainly(project, run_cli):
    """`{{ data.unodc }}` is not a number; the message says what it is, not a Python object."""
    path = write_record(project, "{{ data.unodc }}")
    result = run_cli("check", path, cwd=project)
    assert result.code == 1 and "cannot print data.unodc in text" in result.err


def test_a_badly_named_data_file_is_reported(project, run_cli):
    """Data file names must be usable as `data.<name>`."""
    (project / "sources" / "data" / "Bad-Name.yaml").write_text("x: 1\n", encoding="utf-8")
    result = run_cli("check", cwd=project)
    assert result.code == 1
    assert "sources/data/Bad-Name.yaml:1:1: error: 'Bad-Name' cannot name a shared-data file" in result.err


def test_a_record_over_the_time_limit_is_stopped_and_the_others_build(project, run_cli, monkeypatch):
    """One record whose layout never finishes costs that record only, with a clear message."""
    from pipeline.writers import pdf

    real = pdf.render

    def never_ends(document):
        """For the probe, let the limit's time pass at once (its timer made due now) and wait: only the
        time limit ends this. The limit is generous, so a loaded machine stops no other record."""
        if document.meta.title == "T":
            signal.setitimer(signal.ITIMER_REAL, 0.001)
            signal.pause()
            raise AssertionError("the time limit's alarm came and did not stop the record")
        return real(document)
    monkeypatch.setattr(pdf, "render", never_ends)
    write_record(project, "nothing")
    result = run_cli("build", "--jobs", "1", "--time-limit", "600", cwd=project)
    assert result.code == 1
    assert ("sources/probe.yaml:1:1: error: building this record took longer than 600 s and was stopped"
            in result.err)
    assert "failed: sources/probe.yaml" in result.out
    assert (project / "output" / "laos-inl.pdf").exists()
