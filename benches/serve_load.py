"""Load test of `sakip-lint serve` on the loopback address, bounded in count and time.

    cargo build --release && python3 benches/serve_load.py [REQUESTS] [CLIENTS]

1. REQUESTS (default 60) uploads of the Trawas workbooks (6 files) by CLIENTS (default 4)
   clients at once: requests per second and the median and slowest answer.
2. One upload of a 400-submission regency zip (the fixtures repeated, as in
   `cargo bench --bench batch`; the server started with `--max-files 3000`): its time, and the server's peak memory (VmHWM) before and
   after it (Linux /proc). The check of 2.115 workbooks needs more than the body: this peak
   is the check's.
3. One upload of a 150 MB body (the Trawas workbooks and a large file the check does not
   read) to a server of its own: the server's peak memory before and after it, which is
   what holding the body would cost.
The binary is CARGO_TARGET_DIR's release build (default: target/release).
Every answer must be 200 with the JSON report; a stop after 300 s whatever happens.
"""
import concurrent.futures
import io
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "sakip-lint")
REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 60
CLIENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 4
DEADLINE = time.time() + 300
SOURCES = ["trawas-2024", "clean-sukamaju/plain", "clean-sukamaju/fraction", "clean-sukamaju/text",
           "clean-sukamaju/xls", "clean-sukamaju/ods", "trawas-2024-bab"]
KINDS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def form(files):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, data in files:
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
                  f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n".encode())
        out.write(data)
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def post(api, body, ctype):
    req = urllib.request.Request(api, data=body, method="POST", headers={"Content-Type": ctype})
    t = time.time()
    with urllib.request.urlopen(req, timeout=max(1, DEADLINE - time.time())) as r:
        raw = r.read()
        report = json.loads(raw)
        assert r.status == 200 and "findings" in report
    post.answer_bytes = len(raw)
    return time.time() - t


def peak_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def serve(*args):
    """A started server and its check address."""
    server = subprocess.Popen([BIN, "serve", "--no-open", "--isolated", "--jobs", "2", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, text=True)
    url = server.stdout.readline().strip()
    return server, url.split("/?")[0] + "/api/check?token=" + url.split("token=")[1]


server, api = serve("--max-files", "3000")
try:
    trawas = [(n, open(os.path.join(ROOT, "fixtures/trawas-2024", n), "rb").read())
              for n in sorted(os.listdir(os.path.join(ROOT, "fixtures/trawas-2024"))) if n.endswith(KINDS)]
    body, ctype = form(trawas)
    post(api, body, ctype)  # warm up
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        times = sorted(pool.map(lambda _: post(api, body, ctype), range(REQUESTS)))
    wall = time.time() - start
    print(f"1. {REQUESTS} uploads of the Trawas workbooks ({len(trawas)} files), {CLIENTS} clients at once:")
    print(f"   {REQUESTS / wall:.1f} requests/s; answer median {times[len(times) // 2] * 1000:.0f} ms, "
          f"slowest {times[-1] * 1000:.0f} ms; server peak memory {peak_kib(server.pid) / 1024:.0f} MiB")

    buf = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(400):
            src = os.path.join(ROOT, "fixtures", SOURCES[i % len(SOURCES)])
            for n in sorted(os.listdir(src)):
                if n.endswith(KINDS):
                    z.write(os.path.join(src, n), f"kabupaten/kecamatan-{i:04}/{n}")
                    count += 1
    before = peak_kib(server.pid)
    body, ctype = form([("kabupaten.zip", buf.getvalue())])
    took = post(api, body, ctype)
    print(f"2. one regency zip: 400 submissions, {count} workbooks, {len(body) / 1e6:.1f} MB: {took:.2f} s; "
          f"server peak memory {before / 1024:.0f} MiB before, {peak_kib(server.pid) / 1024:.0f} MiB after; "
          f"the report {post.answer_bytes / 1e6:.1f} MB")
finally:
    server.kill()
    server.wait()

server, api = serve()
try:
    body, ctype = form(trawas)
    post(api, body, ctype)  # the check's own memory, reached first
    before = peak_kib(server.pid)
    body, ctype = form(trawas + [("pindaian.bin", b"x" * (150 << 20))])
    took = post(api, body, ctype)
    print(f"3. one upload of {len(body) / 1e6:.0f} MB (the Trawas workbooks and a file not read): {took:.2f} s; "
          f"server peak memory {before / 1024:.0f} MiB before, {peak_kib(server.pid) / 1024:.0f} MiB after")
finally:
    server.kill()
    server.wait()
