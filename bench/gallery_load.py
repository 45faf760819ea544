"""Time the workspace's gallery of many sheets: the page, then every thumbnail, cold and cached.

Makes N records (default 200) from the samples in a scratch project, builds them, starts
`factsheets serve` and fetches / and each card's thumbnail twice: the first pass renders the
thumbnails in the workers, the second is served from the cache.

    .venv/bin/python bench/gallery_load.py [N]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import served
from recordgen import numbered_title

BROWSER_CONNECTIONS = 6  # what a browser opens to one server


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        shutil.copytree(ROOT / "templates", project / "templates")
        shutil.copytree(ROOT / "sources" / "data", project / "sources" / "data")
        samples = sorted((ROOT / "sources").glob("*.yaml"))
        for i in range(count):
            sample = samples[i % len(samples)]
            text = sample.read_text(encoding="utf-8")
            (project / "sources" / f"{sample.stem}-{i:03d}.yaml").write_text(numbered_title(text, i),
                                                                             encoding="utf-8")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "build", "-q"], cwd=project, check=True)
        print(f"built {count} sheets in {time.perf_counter() - start:.0f} s")
        with served.served(project) as url:
            for label in ("cold (thumbnails rendered)", "cached"):
                start = time.perf_counter()
                page = urllib.request.urlopen(url + "/").read().decode()
                html = time.perf_counter() - start
                thumbs = re.findall(r'src="(/thumb/[^"]+)"', page)
                with ThreadPoolExecutor(BROWSER_CONNECTIONS) as pool:
                    sizes = list(pool.map(lambda t: len(urllib.request.urlopen(url + t).read()), thumbs))
                total = time.perf_counter() - start
                print(f"gallery, {label}: page {html * 1000:.0f} ms; page and {len(thumbs)} thumbnails "
                      f"({sum(sizes) // 1024} KB) {total * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
