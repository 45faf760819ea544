"""Edit a .docx as a person would in LibreOffice, through its UNO API; run with Debian's python3 (python3-uno).

Usage: python3 lo_edit.py IN.docx OUT.docx OPS.json PROFILE_DIR
OPS is a list of edits, each naming its paragraph by its whole text:
  {"op": "append", "para": TEXT, "add": " more"}        type at the end of a paragraph
  {"op": "set", "para": TEXT, "at": 3, "len": 5, "to": "new"}   select characters and type over them
  {"op": "bold", "para": TEXT, "at": 3, "len": 5}       select characters and press Ctrl+B
  {"op": "insert_after", "para": TEXT, "text": "new"}   Enter at its end, then type
  {"op": "delete", "para": TEXT}                        select the paragraph with its mark and delete
  {"op": "track", "on": true}                           Edit > Track Changes > Record
Then File > Save As > Word 2007-365 (.docx). Starts its own soffice on a private pipe and profile.
(Comments are not made here: inserting one crashes LibreOffice 7.4 headless, even in a blank
document; the tests make comments with python-docx.)
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(pipe: str, proc, limit: float = 120.0):
    """Return the desktop of the soffice started on `pipe`, once it answers."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    waited = 0.0
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if proc.poll() is not None or waited > limit:
                raise SystemExit("LibreOffice did not start")
            time.sleep(0.25)
            waited += 0.25


def _paragraphs(doc):
    """Yield the body's paragraphs (tables left out)."""
    found = doc.getText().createEnumeration()
    while found.hasMoreElements():
        element = found.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            yield element


def _find(doc, text: str):
    for para in _paragraphs(doc):
        if para.getString() == text:
            return para
    raise SystemExit(f"no paragraph reads {text!r}")


def _select(doc, para, at: int, length: int):
    cursor = doc.getText().createTextCursorByRange(para.getStart())
    cursor.goRight(at, False)
    cursor.goRight(length, True)
    return cursor


def edit(doc, op: dict) -> None:
    text = doc.getText()
    kind = op["op"]
    if kind == "track":
        doc.RecordChanges = op["on"]
        return
    para = _find(doc, op["para"])
    if kind == "append":
        text.insertString(text.createTextCursorByRange(para.getEnd()), op["add"], False)
    elif kind == "set":
        _select(doc, para, op["at"], op["len"]).setString(op["to"])
    elif kind == "bold":
        _select(doc, para, op["at"], op["len"]).CharWeight = 150.0
    elif kind == "insert_after":
        cursor = text.createTextCursorByRange(para.getEnd())
        text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        text.insertString(cursor, op["text"], False)
    elif kind == "delete":
        cursor = text.createTextCursorByRange(para.getStart())
        cursor.gotoEndOfParagraph(True)
        cursor.goRight(1, True)  # and its paragraph mark: the next paragraph moves up
        cursor.setString("")
    else:
        raise SystemExit(f"unknown edit {kind!r}")


def main(source: str, target: str, ops_file: str, profile: str) -> None:
    pipe = f"factsheets-{uuid.uuid4().hex}"
    common = ["soffice", "--headless", "--invisible", "--norestore", "--nologo",
              f"-env:UserInstallation={Path(profile).resolve().as_uri()}"]
    # A new profile is made by a first run that ends by itself; a listening soffice then starts cleanly.
    subprocess.run([*common, "--terminate_after_init"], timeout=180, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, start_new_session=True)
    proc = subprocess.Popen([*common, f"--accept=pipe,name={pipe};urp;"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    copy = Path(profile).with_name(Path(profile).name + "-in.docx")  # no lock file beside the original
    copy.write_bytes(Path(source).read_bytes())
    source = str(copy)
    try:
        doc = None
        for _ in range(5):  # a new profile makes soffice restart once as it starts: ask again
            try:
                desktop = _connect(pipe, proc)
                doc = desktop.loadComponentFromURL(Path(source).resolve().as_uri(), "_blank", 0,
                                                   (_prop("Hidden", True),))
            except Exception as exc:  # the bridge to the instance that restarted is gone
                print(f"retrying: {exc}", file=sys.stderr)  # said, in case it never opens
                doc = None
            if doc is not None:
                break
            time.sleep(1)
        if doc is None:
            raise SystemExit(f"LibreOffice could not open {source}")
        for op in json.loads(Path(ops_file).read_text(encoding="utf-8")):
            edit(doc, op)
        doc.storeToURL(Path(target).resolve().as_uri(), (_prop("FilterName", "MS Word 2007 XML"),))
        try:
            doc.close(True)
            desktop.terminate()
        except Exception:  # the bridge closes as soffice quits; the file is saved already
            pass
    finally:
        try:
            os.killpg(proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass


if __name__ == "__main__":
    main(*sys.argv[1:5])
