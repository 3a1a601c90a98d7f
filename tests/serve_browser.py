"""The page of `sakip-lint serve` in a real browser (headless Chromium through chromedriver,
the W3C WebDriver protocol over plain HTTP: no Python package needed).

Run by tests/serve_browser.sh, which starts the server and chromedriver. Checks:
1. the Trawas workbooks dropped on the page (a drop event carrying them): the 95,02 /
   92,81 finding is shown, its cell marked in the sheet around it (column letters, the
   table's header, the rows next to it) and in the rows it reads; screenshot
   docs/serve-trawas.png;
   printed (WebDriver's print, the page's print style): the findings on paper, not the drop
   zone (read back with pdftotext where it is installed);
2. the annotated copies downloaded from the page: a zip whose .xlsx copies open (zip files
   holding xl/workbook.xml);
3. a broken workbook, chosen in the file picker: its message shown; then the PK workbooks
   of two kecamatan chosen together: two submissions, named by the units their titles name;
4. a regency zip (three submissions): the check's progress shown ("3 of 3 submissions"),
   then the summary first, most errors first; screenshot docs/serve-kabupaten.png;
5. a regency folder on disk (two kecamatan folders, plus a photo and a hidden file that are
   not sent), chosen with the folder button: the summary names the two kecamatan folders;
6. the same folder dragged onto the drop zone as the operating system drags it
   (Chromium's own drag and drop through the DevTools protocol, Input.dispatchDragEvent,
   not a synthetic event): the page walks the folder and shows the same two submissions;
7. a page on another origin posting to the API: it cannot read the answer (the server
   refuses it with 403, and the browser gives the page nothing).
Usage: serve_browser.py PAGE_URL DRIVER_URL ROOT WORK OTHER_ORIGIN_URL
"""
import json
import os
import sys
import time
import urllib.request
import zipfile

page_url, driver, root, work, other = sys.argv[1:6]
downloads = os.path.join(work, "downloads")
os.makedirs(downloads, exist_ok=True)


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(driver + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null").get("value")


caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1500"],
    "prefs": {"download.default_directory": downloads, "download.prompt_for_download": False},
}}}}
session = call("POST", "/session", caps)["sessionId"]
S = f"/session/{session}"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def js(script, *args):
    return call("POST", S + "/execute/sync", {"script": script, "args": list(args)})


def wait_for(script, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        v = js(script)
        if v:
            return v
        time.sleep(0.3)
    return None


def choose(paths):
    """Give files to the page's file picker, as a person choosing them would."""
    el = call("POST", S + "/element", {"using": "css selector", "value": "#picker"})
    key = next(iter(el.values()))
    js("document.getElementById('result').replaceChildren()")
    call("POST", f"{S}/element/{key}/value", {"text": "\n".join(paths)})


def drop_files(paths):
    """Drop files on the page's drop zone, as a person dragging them from a folder would:
    the files are loaded into a spare file input of the test's own (no handler on it), then
    a `drop` event carrying them is dispatched on the zone."""
    js("""document.getElementById('result').replaceChildren();
        const i = document.createElement('input'); i.type = 'file'; i.multiple = true;
        i.id = 'test-files'; i.style.display = 'none'; document.body.append(i);""")
    el = call("POST", S + "/element", {"using": "css selector", "value": "#test-files"})
    call("POST", f"{S}/element/{next(iter(el.values()))}/value", {"text": "\n".join(paths)})
    js("""const i = document.getElementById('test-files');
        const dt = new DataTransfer(); for (const f of i.files) dt.items.add(f);
        document.getElementById('drop').dispatchEvent(
            new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        i.remove();""")


def cdp(cmd, params):
    """A DevTools protocol command, through chromedriver's own endpoint."""
    return call("POST", S + "/goog/cdp/execute", {"cmd": cmd, "params": params})


def watch_status():
    """Keep every text the status line shows, for the test to read afterwards."""
    js("""window.statusSeen = [];
        new MutationObserver(() => window.statusSeen.push(document.getElementById('status').textContent))
          .observe(document.getElementById('status'), {subtree: true, childList: true, characterData: true});""")


def summary_rows():
    return wait_for("""const t = document.querySelector('table.summary');
        return t ? [...t.querySelectorAll('tr.row')].map(r => [...r.cells].map(c => c.textContent)) : null""")


def screenshot(name):
    import base64
    png = call("GET", S + "/screenshot")
    with open(os.path.join(root, "docs", name), "wb") as f:
        f.write(base64.b64decode(png))


try:
    call("POST", S + "/url", {"url": page_url})
    # 1. The Trawas workbooks.
    trawas = sorted(os.path.join(root, "fixtures/trawas-2024", n)
                    for n in os.listdir(os.path.join(root, "fixtures/trawas-2024"))
                    if n.endswith(".xlsx"))
    drop_files(trawas)
    shown = wait_for("return document.querySelectorAll('.finding').length")
    check(bool(shown), f"Trawas dropped on the page: {shown} findings shown")
    card = js("""return [...document.querySelectorAll('.finding')]
        .map(c => c.textContent).find(t => t.includes('95,02') && t.includes('92,81')) || null""")
    check(card is not None, "the 95,02 / 92,81 finding is shown")
    marked = js("""const c = [...document.querySelectorAll('.finding')]
        .find(c => c.textContent.includes('95,02') && c.textContent.includes('92,81'));
        const m = c && c.querySelector('.cellmark'); return m ? m.textContent : null""")
    check(bool(marked), f"its cell is marked ({marked})")
    around = js("""return [...document.querySelectorAll('table.rows td.here')]
        .map(td => td.textContent).find(t => t.includes('92,81')) || null""")
    check(bool(around) and "95,02" in around,
          f"the table around it marks the cell with the right value ({around})")
    # The sheet around it: column letters, the table's header, the cell's row among its
    # neighbours.
    sheet = js("""const td = [...document.querySelectorAll('table.around td.here')]
        .find(td => td.textContent.includes('92,81'));
        if (!td) return null;
        const t = td.closest('table');
        return {letters: [...t.querySelectorAll('th.col')].map(th => th.textContent),
                header: [...t.querySelectorAll('tr th:not(.col)')].map(th => th.textContent),
                rows: [...t.querySelectorAll('td.rn')].map(td => td.textContent),
                row: td.parentElement.querySelector('td.rn').textContent}""")
    check(bool(sheet) and len(sheet["letters"]) > 3 and any("Realisasi" in h for h in sheet["header"])
          and len(sheet["rows"]) >= 3 and sheet["row"] in sheet["rows"],
          f"the sheet around it: columns {sheet and sheet['letters']}, rows {sheet and sheet['rows']}, cell in row {sheet and sheet['row']}")
    js("""const c = [...document.querySelectorAll('.finding')]
        .find(c => c.textContent.includes('95,02') && c.textContent.includes('92,81'));
        c && c.scrollIntoView()""")
    screenshot("serve-trawas.png")
    import base64
    import shutil
    import subprocess
    pdf = os.path.join(work, "hasil.pdf")
    with open(pdf, "wb") as f:
        f.write(base64.b64decode(call("POST", S + "/print", {"background": True})))
    if shutil.which("pdftotext"):
        printed = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
        check("92,81" in printed and "95,02" in printed and "Letakkan berkas" not in printed
              and "Cetak hasil" not in printed,
              f"printed: the findings without the drop zone or buttons ({len(printed)} characters)")
    else:
        print("skip printed page: pdftotext not installed")

    # 2. The annotated copies, downloaded from the page.
    js("[...document.querySelectorAll('#result .actions button')][0].click()")
    zips = None
    for _ in range(120):
        zips = [n for n in os.listdir(downloads) if n.endswith(".zip")]
        if zips:
            break
        time.sleep(0.5)
    check(bool(zips), f"the annotated copies were downloaded ({zips})")
    if zips:
        with zipfile.ZipFile(os.path.join(downloads, zips[0])) as z:
            copies = [n for n in z.namelist() if n.endswith(".xlsx")]
            ok = bool(copies)
            for n in copies:
                with z.open(n) as f, zipfile.ZipFile(f) as inner:
                    ok = ok and "xl/workbook.xml" in inner.namelist()
        check(ok, f"the {len(copies)} copies in it are workbooks")

    # 3. A broken workbook.
    choose([os.path.join(root, "fixtures/bad/terpotong.xlsx")])
    bad = wait_for("const b = document.querySelector('.files .bad'); return b ? b.textContent : null")
    check(bool(bad) and "terpotong.xlsx" in bad, f"a broken file's message: {bad}")
    choose([os.path.join(root, "fixtures/trawas-2024/pk.xlsx"),
            os.path.join(root, "fixtures/clean-sukamaju/plain/pk.xlsx")])
    rows = summary_rows()
    names = sorted(r[0] for r in rows or [])
    check(names == ["KECAMATAN SUKAMAJU", "KECAMATAN TRAWAS"],
          f"two units' files chosen together are two submissions: {names}")

    # 4. A regency zip.
    regency = os.path.join(work, "kabupaten.zip")
    with zipfile.ZipFile(regency, "w") as z:
        for folder, src in [("trawas", "fixtures/trawas-2024"), ("sukamaju", "fixtures/clean-sukamaju/plain"),
                            ("trawas-laporan", "fixtures/trawas-2024-laporan")]:
            for n in sorted(os.listdir(os.path.join(root, src))):
                if n.endswith((".xlsx", ".docx")):
                    z.write(os.path.join(root, src, n), f"kabupaten/{folder}/{n}")
    watch_status()
    choose([regency])
    rows = summary_rows()
    errors = [int(r[2]) for r in rows or []]
    check(len(errors) == 3 and errors == sorted(errors, reverse=True),
          f"regency summary, most errors first: {rows}")
    seen = js("return window.statusSeen")
    check(any("3 dari 3 pengajuan" in t for t in seen or []),
          f"the check's progress was shown: {[t for t in seen or [] if 'pengajuan' in t][-2:]}")
    js("window.scrollTo(0, 0)")
    screenshot("serve-kabupaten.png")

    # 5. A regency folder, chosen with the folder button.
    folder = os.path.join(work, "kabupaten-folder")
    for kec, src in [("kec-trawas", "fixtures/trawas-2024"), ("kec-sukamaju", "fixtures/clean-sukamaju/plain")]:
        os.makedirs(os.path.join(folder, kec), exist_ok=True)
        for n in os.listdir(os.path.join(root, src)):
            if n.endswith(".xlsx"):
                with open(os.path.join(root, src, n), "rb") as a, open(os.path.join(folder, kec, n), "wb") as b:
                    b.write(a.read())
    with open(os.path.join(folder, "kec-trawas", "foto-kantor.jpg"), "wb") as f:
        f.write(b"\xff\xd8\xff not a workbook")
    with open(os.path.join(folder, "kec-sukamaju", ".~lock.lra.xlsx#"), "w") as f:
        f.write("lock")
    js("document.getElementById('result').replaceChildren()")
    el = call("POST", S + "/element", {"using": "css selector", "value": "#folder-picker"})
    call("POST", f"{S}/element/{next(iter(el.values()))}/value", {"text": folder})
    rows = summary_rows()
    names = sorted(r[0] for r in rows or [])
    check(names == ["kabupaten-folder/kec-sukamaju", "kabupaten-folder/kec-trawas"],
          f"a chosen folder's kecamatan are its submissions: {names}")
    listed = js("return [...document.querySelectorAll('ul.files li')].map(l => l.textContent)")
    check(bool(listed) and not any("foto" in t or "lock" in t for t in listed),
          f"only workbooks were sent ({len(listed or [])} files listed)")

    # 6. The same folder, dragged onto the drop zone by the browser itself.
    js("document.getElementById('result').replaceChildren(); document.getElementById('drop').scrollIntoView()")
    box = js("""const r = document.getElementById('drop').getBoundingClientRect();
        return [r.left + r.width / 2, r.top + r.height / 2]""")
    data = {"items": [], "files": [folder], "dragOperationsMask": 1}
    for kind in ["dragEnter", "dragOver", "drop"]:
        cdp("Input.dispatchDragEvent", {"type": kind, "x": box[0], "y": box[1], "data": data})
    rows = summary_rows()
    names = sorted(r[0] for r in rows or [])
    check(names == ["kabupaten-folder/kec-sukamaju", "kabupaten-folder/kec-trawas"],
          f"a dropped folder is walked, its kecamatan are its submissions: {names}")

    # 7. A page elsewhere posting to the API.
    call("POST", S + "/url", {"url": other})
    token = page_url.split("token=")[1]
    api = page_url.split("/?")[0] + "/api/check?token=" + token
    result = call("POST", S + "/execute/async", {"script": """
        const done = arguments[arguments.length - 1];
        const f = new FormData(); f.append('files', new Blob(['x']), 'a.xlsx');
        fetch(arguments[0], {method: 'POST', body: f})
          .then(r => r.text().then(t => done('read ' + r.status + ' ' + t.slice(0, 80))))
          .catch(e => done('blocked: ' + e));""", "args": [api]})
    check(str(result).startswith("blocked"), f"a page on another origin cannot read the API: {result}")
finally:
    call("DELETE", S)

print("failures: %d" % len(failures))
sys.exit(1 if failures else 0)
