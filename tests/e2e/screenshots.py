#!/usr/bin/env python3
"""screenshots.py: takes the screenshots of review/README.md.

Builds a store with a review queue from simulated scans (as test_review_web
does), starts `boshi serve` on loopback, logs in as a nurse, saves each
screen's HTML with the images and assets it uses, and has headless Chromium
render each saved screen to PNG.  (Headless --screenshot cannot log in, so
the pages are fetched here with the session cookie; the rendering is
Chromium's.)  Usage: tests/e2e/screenshots.py BOSHI_BIN OUT_DIR
Not for: testing (see tests/test_review_web.c).
"""
import os, re, subprocess, sys, tempfile, time, urllib.parse, urllib.request, http.client

boshi, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
os.makedirs(out, exist_ok=True)
work = tempfile.mkdtemp(prefix="boshi-shots-")
db = os.path.join(work, "s.db")
env = dict(os.environ, OMP_THREAD_LIMIT="1")


def run(*args, stdin=None):
    subprocess.run([boshi, "--db", db, *args], input=stdin, env=env, check=True,
                   stdout=subprocess.DEVNULL, text=True)


run("init")
for k, v in [("site.name", "みどり市 保健センター"), ("site.contact", "電話 0120-000-000"),
             ("site.address", "みどり市本町1-1-1"), ("checkup.venue", "保健センター")]:
    run("settings", "set", k, v)
town = os.path.join(work, "town.csv")
run("demo", "town", "--residents", "8000", "--as-of", "2026-11-01", "-o", town)
run("residents", "import", "--full", town)
pdf = os.path.join(work, "k.pdf")
run("targets", "nyuyoji_4m", "--month", "2026-12", "--date", "2026-12-09", "-o", pdf)
scans = os.path.join(work, "scans")
os.makedirs(scans)
subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-f", "1", "-l", "15", pdf,
                os.path.join(scans, "p")], check=True)
run("intake", "--workers", "2", "--name", "2026-12-09-午前", scans)
run("users", "add", "--name", "佐藤 花子 (保健師)", "--role", "保健師", "sato")
run("users", "passwd", "sato", stdin="correct-horse-1\n")

port = 18000 + os.getpid() % 1000
srv = subprocess.Popen([boshi, "--db", db, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                       stdout=subprocess.DEVNULL)
time.sleep(1.0)
cookies = {}


def req(method, path, fields=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if fields is not None:
        body = urllib.parse.urlencode(fields)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body, h)
    r = c.getresponse()
    data = r.read()
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, val = v.split(";")[0].split("=", 1)
            cookies[name] = val
    return r.status, dict(r.getheaders()), data


def csrf(html):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    return m.group(1) if m else ""


def save(name, html, size="1400,1000"):
    """Saves html with the files it refers to, and renders it with Chromium."""
    d = os.path.join(work, "pages")
    os.makedirs(d, exist_ok=True)

    def local(m):
        url = m.group(2).replace("&amp;", "&")
        ext = ".css" if url.endswith(".css") else ".js" if url.endswith(".js") else ".png"
        fn = "f_" + re.sub(r"[^A-Za-z0-9]", "_", url) + ext
        if not os.path.exists(os.path.join(d, fn)):
            st, _, data = req("GET", url)
            with open(os.path.join(d, fn), "wb") as f:
                f.write(data)
        return f'{m.group(1)}="{fn}"'

    html = re.sub(r'(src|href)="(/(?:static|img)/[^"]*)"', local, html)
    p = os.path.join(d, name + ".html")
    with open(p, "w") as f:
        f.write(html)
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--no-first-run", "--hide-scrollbars",
                    f"--window-size={size}", f"--screenshot={os.path.join(out, name + '.png')}",
                    "file://" + p], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


try:
    st, h, body = req("GET", "/login")
    save("login", body.decode(), "1000,700")
    st, h, body = req("POST", "/login", {"csrf": cookies["boshi_pre"], "login": "sato",
                                         "password": "correct-horse-1"})
    assert st == 303, st
    st, h, body = req("GET", "/queue")
    html = body.decode()
    save("queue", html, "1400,1100")
    token = csrf(html)
    first = re.search(r'href="/item/(\d+)"', html).group(1)
    st, h, body = req("GET", f"/item/{first}")
    save("item", body.decode(), "1400,1300")
    # a question item with options, if any (keys per option)
    m = re.search(r'href="/field\?form=([^&"]+)&amp;field=(weight|[a-z_]+)"', html)
    st, h, body = req("GET", "/field")
    save("field-list", body.decode())
    fm = re.findall(r'href="/field\?form=([^&"]+)&amp;field=([^"]+)"', body.decode())
    best = max(fm, key=lambda f: body.decode().count(f[1])) if fm else None
    st, h, body = req("GET", "/field?form=nyuyoji_4m&field=weight")
    save("field-grid", body.decode(), "1400,1000")
    page = re.search(r'href="/page/(\d+)"', req("GET", f"/item/{first}")[2].decode()).group(1)
    st, h, body = req("GET", f"/page/{page}")
    save("page", body.decode(), "1400,1400")
    item_html = req("GET", f"/item/{first}")[2].decode()
    pm = re.search(r'href="/person/(\d+)"', item_html)
    if pm:
        st, h, body = req("GET", f"/person/{pm.group(1)}")
        save("person-reason", body.decode(), "1000,800")
        st, h, body = req("POST", f"/person/{pm.group(1)}", {"csrf": token, "act": "view",
                                                             "reason": "読取確認のため"})
        save("person", body.decode(), "1200,900")
    # two nurses: resolve an item, then try again as if from a second desk
    wid = re.search(r'name="d_(\d+)"', req("GET", "/field?form=nyuyoji_4m&field=weight")[2].decode())
    if wid:
        i = wid.group(1)
        req("POST", f"/item/{i}", {"csrf": token, "value": "6.54"})
        st, h, body = req("POST", f"/item/{i}", {"csrf": token, "value": "6.60"})
        save("conflict", body.decode(), "1200,700")
    # an identity item with its candidates, if the batch has one
    ident = re.search(r'<tr data-href="/item/(\d+)">(?:(?!</tr>).)*本人確認', html)
    if ident:
        st, h, body = req("GET", f"/item/{ident.group(1)}")
        save("identity", body.decode(), "1400,1100")
finally:
    srv.terminate()
    srv.wait()
print(out)
