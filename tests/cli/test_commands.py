"""One function per command: each adds its own parser, whose defaults name the command and its run function."""

import argparse

import pytest

from pipeline.cli import command


def _added(add) -> dict[str, argparse.ArgumentParser]:
    """Return the parsers one command's add function puts on a fresh parser, by name."""
    parser = argparse.ArgumentParser(prog="factsheets")
    commands = parser.add_subparsers()
    add(commands)
    return dict(commands.choices)


@pytest.mark.parametrize("add", command.COMMANDS, ids=[add.__name__ for add in command.COMMANDS])
def test_each_command_adds_one_parser_that_runs_its_own_function(add):
    """add_<name> adds the command <name> alone; it runs run_<name> from the same module."""
    added = _added(add)
    name = add.__name__.removeprefix("add_")
    assert list(added) == [name]
    run = added[name].get_default("run")
    assert added[name].get_default("command") == name and callable(run)
    if name != "import":  # `import` alone prints its help; its sub-commands run their own functions
        assert (run.__module__, run.__name__) == (add.__module__, f"run_{name}")


def test_the_commands_are_listed_once_each_in_the_help_order():
    """The top parser holds exactly the commands the add functions add, none twice."""
    parser, commands = command._parser()
    names = [name for add in command.COMMANDS for name in _added(add)]
    assert list(commands) == names and len(set(names)) == len(names)
    help_text = parser.format_help()
    assert [name for name in names if f"\n    {name} " in help_text] == names


@pytest.mark.parametrize("words", [["import", "figures"], ["import", "page"], ["import", "docx"]])
def test_a_sub_command_runs_its_own_function(words):
    """`import figures`, `import page` and `import docx` each run run_import_<what>."""
    parser, _ = command._parser()
    required = {"figures": ["f.csv", "--into", "d.yaml"], "page": ["p.txt", "--layout", "x"],
                "docx": ["f.docx"]}[words[1]]
    args = parser.parse_args([*words, *required])
    assert (args.command, args.run.__name__) == (" ".join(words), f"run_import_{words[1]}")
