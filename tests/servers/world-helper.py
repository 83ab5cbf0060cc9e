#!/usr/bin/python3
# world-helper.py - the moving parts of accord-test-world (stdlib only)
#
# Usage: world-helper.py prepare SPEC DIR   read SPEC ("" for an empty world),
#                                           write DIR/hosts, DIR/dnsmasq.conf,
#                                           DIR/world.json, DIR/tls/names and
#                                           the www/ tree, and print the
#                                           arguments of any "servers" line
#        world-helper.py httpd DIR          serve HTTP (80) and HTTPS (443) on
#                                           every host's address, as
#                                           DIR/world.json says
#        world-helper.py relay DIR          start the TCP relays ("forward"
#                                           lines); ports named by environment
#                                           variables are read now
#
# httpd and relay write DIR/httpd.ready or DIR/relay.ready once every
# listener is bound, and stop on SIGTERM/SIGINT.  See world-README.md for the
# spec format and what the servers do.

import base64
import http.server
import ipaddress
import json
import mimetypes
import os
import re
import select
import shlex
import shutil
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

DNS_ADDRESS = "127.0.0.53"
FIRST_HOST_ADDRESS = ipaddress.IPv4Address("127.0.1.1")
MAX_BODY_LOGGED = 65536

# Ports and relay kinds that "dovecot HOST" stands for.
DOVECOT_FORWARDS = [
    (993, "tls", "$ACCORD_TEST_IMAPS_PORT"),
    (143, "starttls", "$ACCORD_TEST_IMAP_PORT"),
    (995, "tls", "$ACCORD_TEST_POP3S_PORT"),
    (110, "starttls", "$ACCORD_TEST_POP3_PORT"),
    (465, "tls", "$ACCORD_TEST_SUBMISSIONS_PORT"),
    (587, "starttls", "$ACCORD_TEST_SUBMISSION_PORT"),
]


class SpecError(Exception):
    pass


# --- prepare -------------------------------------------------------------------

def ascii_name(name):
    """A host or domain name in its ASCII (A-label) form, lower case."""
    name = name.rstrip(".") if name != "." else name
    if name == ".":
        return name
    try:
        name.encode("ascii")
        ascii_form = name
    except UnicodeEncodeError:
        try:
            ascii_form = name.encode("idna").decode("ascii")
        except UnicodeError as e:
            raise SpecError("bad name '%s': %s" % (name, e))
    ascii_form = ascii_form.lower()
    if not re.fullmatch(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
                        r"(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*", ascii_form):
        raise SpecError("bad name '%s'" % name)
    return ascii_form


def split_host(field):
    """'https://name' -> ('https', name); 'name' -> (None, name)."""
    m = re.match(r"^(https?)://(.*)$", field)
    if m:
        return m.group(1), ascii_name(m.group(2))
    return None, ascii_name(field)


def check_path(path):
    if not path.startswith("/"):
        raise SpecError("path must start with '/': %s" % path)
    return path


def check_number(text, what, low, high):
    try:
        n = int(text)
    except ValueError:
        raise SpecError("%s must be a number: %s" % (what, text))
    if not low <= n <= high:
        raise SpecError("%s out of range: %s" % (what, text))
    return n


def check_target(text):
    """PORT, ADDRESS:PORT, $VAR or ADDRESS:$VAR."""
    addr, _, port = text.rpartition(":")
    addr = addr or "127.0.0.1"
    if port.startswith("$"):
        if not re.fullmatch(r"\$[A-Za-z_][A-Za-z0-9_]*", port):
            raise SpecError("bad variable name: %s" % port)
    else:
        check_number(port, "target port", 1, 65535)
    return addr, port


class World:
    def __init__(self, spec_dir, out_dir):
        self.spec_dir = spec_dir
        self.dir = out_dir
        self.hosts = {}          # name -> {"address", "http", "https"}
        self.order = []
        self.taken = set()
        self.next_address = FIRST_HOST_ADDRESS
        self.dns = []            # dnsmasq lines
        self.rules = []          # http behaviours, in spec order
        self.files = []          # (host, path, source, content type)
        self.dirs = []           # (host, source dir)
        self.forwards = []       # {"host", "port", "kind", "target"}
        self.servers = []        # arguments for accord-test-servers

    def fixture(self, name):
        path = os.path.join(self.spec_dir, name)
        if not os.path.exists(path):
            raise SpecError("no such file: %s" % path)
        return path

    def add_host(self, name, address=None, options=()):
        host = self.hosts.get(name)
        if host is None:
            host = {"address": None, "http": True, "https": True}
            self.hosts[name] = host
            self.order.append(name)
        if address is not None:
            if host["address"] not in (None, address):
                raise SpecError("%s already has address %s" % (name, host["address"]))
            host["address"] = address
            self.taken.add(address)
        for opt in options:
            if opt == "no-http":
                host["http"] = False
            elif opt == "no-https":
                host["https"] = False
            else:
                raise SpecError("unknown host option '%s'" % opt)
        return host

    def rule(self, kind, words, need, **extra):
        if len(words) < need:
            raise SpecError("'%s' needs at least %d arguments" % (kind, need))
        scheme, host = split_host(words[0])
        self.add_host(host)
        path = check_path(words[1])
        r = {"kind": kind, "scheme": scheme, "host": host, "path": path}
        r.update(extra)
        self.rules.append(r)
        return r

    def line(self, words):
        kw, args = words[0], words[1:]
        n = len(args)
        if kw == "host":
            if n < 1:
                raise SpecError("'host' needs a name")
            address = None
            options = args[1:]
            if n > 1 and not args[1].startswith("no-"):
                try:
                    ip = ipaddress.IPv4Address(args[1])
                except ValueError:
                    raise SpecError("bad address '%s'" % args[1])
                if not ip.is_loopback or str(ip) in ("127.0.0.1", DNS_ADDRESS):
                    raise SpecError("address must be in 127/8, not 127.0.0.1 "
                                    "or %s: %s" % (DNS_ADDRESS, ip))
                address = str(ip)
                options = args[2:]
            self.add_host(ascii_name(args[0]), address, options)
        elif kw == "cname":
            if n != 2:
                raise SpecError("usage: cname NAME TARGET")
            self.dns.append("cname=%s,%s" % (ascii_name(args[0]), ascii_name(args[1])))
        elif kw == "mx":
            if n != 3:
                raise SpecError("usage: mx DOMAIN PREFERENCE TARGET")
            pref = check_number(args[1], "preference", 0, 65535)
            self.dns.append("mx-host=%s,%s,%d" % (ascii_name(args[0]),
                                                   ascii_name(args[2]), pref))
        elif kw == "srv":
            if n != 5:
                raise SpecError("usage: srv NAME PRIORITY WEIGHT PORT TARGET")
            prio = check_number(args[1], "priority", 0, 65535)
            weight = check_number(args[2], "weight", 0, 65535)
            port = check_number(args[3], "port", 0, 65535)
            self.dns.append("srv-host=%s,%s,%d,%d,%d" % (
                ascii_name(args[0]), ascii_name(args[4]), port, prio, weight))
        elif kw == "txt":
            if n < 2:
                raise SpecError("usage: txt NAME TEXT")
            text = " ".join(args[1:])
            if len(text) > 255 or '"' in text or "\\" in text:
                raise SpecError("TXT text must be at most 255 characters, "
                                "without '\"' or '\\'")
            self.dns.append('txt-record=%s,"%s"' % (ascii_name(args[0]), text))
        elif kw == "file":
            if n not in (3, 4):
                raise SpecError("usage: file HOST PATH FIXTURE [CONTENT-TYPE]")
            scheme, host = split_host(args[0])
            if scheme is not None:
                raise SpecError("'file' serves both schemes; use no-http/no-https "
                                "on the host or a 'status' rule")
            self.add_host(host)
            self.files.append((host, check_path(args[1]), self.fixture(args[2]),
                               args[3] if n == 4 else None))
        elif kw == "dir":
            if n != 2:
                raise SpecError("usage: dir HOST FIXTURE-DIRECTORY")
            host = ascii_name(args[0])
            self.add_host(host)
            src = self.fixture(args[1])
            if not os.path.isdir(src):
                raise SpecError("not a directory: %s" % src)
            self.dirs.append((host, src))
        elif kw == "hang":
            if n != 2:
                raise SpecError("usage: hang HOST PATH")
            self.rule("hang", args, 2)
        elif kw == "redirect":
            if n != 4:
                raise SpecError("usage: redirect HOST PATH STATUS LOCATION")
            self.rule("redirect", args, 4,
                      status=check_number(args[2], "status", 300, 399),
                      location=args[3])
        elif kw == "huge":
            if n != 3:
                raise SpecError("usage: huge HOST PATH BYTES")
            self.rule("huge", args, 3,
                      bytes=check_number(args[2], "size", 0, 1 << 40))
        elif kw == "status":
            if n != 3:
                raise SpecError("usage: status HOST PATH STATUS")
            self.rule("status", args, 3,
                      status=check_number(args[2], "status", 100, 599))
        elif kw == "answer":
            if n not in (4, 5):
                raise SpecError("usage: answer HOST PATH STATUS FIXTURE [CONTENT-TYPE]")
            self.rule("answer", args, 4,
                      status=check_number(args[2], "status", 100, 599),
                      fixture=self.fixture(args[3]),
                      content_type=args[4] if n == 5 else None)
        elif kw == "require-basic-auth":
            if n not in (2, 4):
                raise SpecError("usage: require-basic-auth HOST PATH [USER PASSWORD]")
            self.rule("require-basic-auth", args, 2,
                      user=args[2] if n == 4 else None,
                      password=args[3] if n == 4 else None)
        elif kw in ("forward", "forward-tls", "forward-starttls", "forward-tls-plain"):
            if n != 3:
                raise SpecError("usage: %s HOST PORT TARGET" % kw)
            host = ascii_name(args[0])
            self.add_host(host)
            kind = {"forward": "tcp", "forward-tls": "tls",
                    "forward-starttls": "starttls", "forward-tls-plain": "tls-plain"}[kw]
            self.forwards.append({"host": host,
                                  "port": check_number(args[1], "port", 1, 65535),
                                  "kind": kind, "target": list(check_target(args[2]))})
        elif kw == "servers":
            if n < 1:
                raise SpecError("usage: servers ARGUMENTS...")
            for a in args:
                if a not in self.servers:
                    self.servers.append(a)
        elif kw == "dovecot":
            if n != 1:
                raise SpecError("usage: dovecot HOST")
            host = ascii_name(args[0])
            self.add_host(host)
            if "--dovecot" not in self.servers:
                self.servers.append("--dovecot")
            for port, kind, target in DOVECOT_FORWARDS:
                self.forwards.append({"host": host, "port": port, "kind": kind,
                                      "target": list(check_target(target))})
        else:
            raise SpecError("unknown keyword '%s'" % kw)

    def assign_addresses(self):
        for name in self.order:
            host = self.hosts[name]
            if host["address"] is not None:
                continue
            while (str(self.next_address) in self.taken
                   or self.next_address.packed[3] in (0, 255)):
                self.next_address += 1
            if self.next_address > ipaddress.IPv4Address("127.0.255.254"):
                raise SpecError("too many hosts")
            host["address"] = str(self.next_address)
            self.taken.add(host["address"])
            self.next_address += 1
        seen = {}
        for fwd in self.forwards:
            key = (fwd["host"], fwd["port"])
            if key in seen:
                raise SpecError("two forwards for %s port %d" % key)
            seen[key] = True
            host = self.hosts[fwd["host"]]
            if fwd["port"] == 80 and host["http"] or fwd["port"] == 443 and host["https"]:
                raise SpecError("%s port %d is taken by the web server (add "
                                "no-http/no-https to the host)" % key)

    def write(self):
        d = self.dir
        with open(os.path.join(d, "hosts"), "w") as f:
            f.write("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
            for name in self.order:
                f.write("%s\t%s\n" % (self.hosts[name]["address"], name))
        with open(os.path.join(d, "dnsmasq.conf"), "w") as f:
            f.write("# written by world-helper.py from the world's spec\n"
                    "port=53\nlisten-address=%s\nbind-interfaces\n"
                    "no-resolv\nno-hosts\nno-poll\nno-negcache\n"
                    "log-queries\nlog-facility=-\n"
                    "# every name that is not in the world does not exist\n"
                    "address=/#/\n" % DNS_ADDRESS)
            for name in self.order:
                f.write("host-record=%s,%s\n" % (name, self.hosts[name]["address"]))
            for line in self.dns:
                f.write(line + "\n")
        os.makedirs(os.path.join(d, "tls"), exist_ok=True)
        with open(os.path.join(d, "tls", "names"), "w") as f:
            for name in self.order:
                f.write(name + "\n")
        www = os.path.join(d, "www")
        os.makedirs(www, exist_ok=True)
        types = {}
        for name in self.order:
            os.makedirs(os.path.join(www, name), exist_ok=True)
        for host, src in self.dirs:
            shutil.copytree(src, os.path.join(www, host), dirs_exist_ok=True)
        for host, path, src, ctype in self.files:
            dst = os.path.join(www, host, path.lstrip("/"))
            if path.endswith("/"):
                raise SpecError("a file path must not end with '/': %s" % path)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)
            if ctype:
                types["%s %s" % (host, path)] = ctype
        answers = os.path.join(d, "answers")
        os.makedirs(answers, exist_ok=True)
        for number, r in enumerate(self.rules):
            if r["kind"] == "answer":
                dst = os.path.join(answers, str(number))
                shutil.copyfile(r["fixture"], dst)
                r["fixture"] = dst
        with open(os.path.join(d, "world.json"), "w") as f:
            json.dump({"hosts": self.hosts, "order": self.order,
                       "rules": self.rules, "content_types": types,
                       "forwards": self.forwards}, f, indent=1)


def prepare(spec, out_dir):
    world = World(os.path.dirname(spec) if spec else ".", out_dir)
    lines = []
    if spec:
        with open(spec, encoding="utf-8") as f:
            lines = f.read().splitlines()
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        try:
            words = shlex.split(text, comments=True)
            if words:
                world.line(words)
        except (SpecError, ValueError) as e:
            raise SpecError("%s:%d: %s" % (spec, number, e))
    world.assign_addresses()
    world.write()
    print(" ".join(shlex.quote(a) for a in world.servers))


# --- shared by httpd and relay ---------------------------------------------------

def load(d):
    with open(os.path.join(d, "world.json")) as f:
        return json.load(f)


def server_context(d):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(d, "tls", "server.pem"),
                        os.path.join(d, "tls", "server.key"))
    return ctx


def write_ready(path):
    with open(path + ".tmp", "w") as f:
        f.write("ready\n")
    os.rename(path + ".tmp", path)


def stop_on_signals():
    def stop(signum, frame):
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def listen(address, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, port))
    sock.listen(128)
    return sock


# --- httpd ------------------------------------------------------------------------

class Log:
    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.lock = threading.Lock()

    def write(self, entry):
        data = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        with self.lock:
            os.write(self.fd, data)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AccordTestWorld/1"
    sys_version = ""

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s %s\n" % (self.server.scheme, self.server.host,
                                         fmt % args))

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def find_rule(self, path):
        for r in self.server.world["rules"]:
            if r["host"] != self.server.host:
                continue
            if r["scheme"] not in (None, self.server.scheme):
                continue
            if r["path"] == path or (r["path"].endswith("*")
                                     and path.startswith(r["path"][:-1])):
                return r
        return None

    def static_file(self, path):
        root = os.path.realpath(os.path.join(self.server.www, self.server.host))
        full = os.path.realpath(os.path.join(root, urllib.parse.unquote(path).lstrip("/")))
        if full != root and not full.startswith(root + os.sep):
            return None
        return full if os.path.isfile(full) else None

    def respond(self, status, body=b"", ctype="text/plain; charset=utf-8",
                headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path or "/"
        body = self.read_body()
        rule = self.find_rule(path)
        auth = self.headers.get("Authorization")

        # Decide first, log, then answer: a test that got the answer finds
        # the request in the log.
        action, status = None, None
        if rule is None or rule["kind"] == "require-basic-auth":
            if rule is not None and not self.auth_ok(rule, auth):
                action, status = "unauthorized", 401
            else:
                f = self.static_file(path)
                if f is None:
                    action, status = "not-found", 404
                elif self.command not in ("GET", "HEAD", "POST"):
                    action, status = "not-allowed", 405
                else:
                    action, status = f, 200
        elif rule["kind"] == "hang":
            action = "hang"
        elif rule["kind"] == "answer":
            action, status = "answer", rule["status"]
        else:
            action, status = rule["kind"], rule.get("status", 200)

        entry = {"time": round(time.time(), 6),
                 "scheme": self.server.scheme,
                 "host": self.server.host,
                 "address": self.server.address,
                 "port": self.server.port,
                 "host_header": self.headers.get("Host"),
                 "method": self.command,
                 "path": path,
                 "query": url.query,
                 "authorization": auth,
                 "headers": {k: v for k, v in self.headers.items()},
                 "status": status}
        if self.server.scheme == "https":
            entry["sni"] = getattr(self.connection, "accord_sni", None)
        if body:
            entry["body"] = body[:MAX_BODY_LOGGED].decode("utf-8", "replace")
        self.server.log.write(entry)

        if action == "hang":
            # Never answer; keep the connection until the client gives up.
            self.close_connection = True
            try:
                while self.connection.recv(4096):
                    pass
            except OSError:
                pass
        elif action == "unauthorized":
            self.respond(401, b"authorization required\n",
                         headers=[("WWW-Authenticate", 'Basic realm="%s"'
                                   % self.server.host)])
        elif action == "not-found":
            self.respond(404, b"not found\n")
        elif action == "not-allowed":
            self.respond(405, b"method not allowed\n",
                         headers=[("Allow", "GET, HEAD, POST")])
        elif action == "redirect":
            self.respond(status, b"", headers=[("Location", rule["location"])])
        elif action == "status":
            self.respond(status, b"status %d\n" % status)
        elif action == "answer":
            self.send_answer(rule, path)
        elif action == "huge":
            self.send_huge(rule["bytes"])
        else:
            self.send_file(action, path)

    def auth_ok(self, rule, auth):
        if not auth:
            return False
        if rule.get("user") is None:
            return True
        try:
            scheme, _, cred = auth.partition(" ")
            user, _, password = base64.b64decode(cred.strip()).decode("utf-8").partition(":")
        except (ValueError, UnicodeError):
            return False
        return (scheme.lower() == "basic" and user == rule["user"]
                and password == rule["password"])

    def send_file(self, full, path):
        with open(full, "rb") as f:
            data = f.read()
        ctype = self.server.world["content_types"].get(
            "%s %s" % (self.server.host, path))
        if not ctype:
            if full.endswith(".xml"):
                ctype = "text/xml"
            else:
                ctype = mimetypes.guess_type(full)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype.endswith("json"):
                ctype += "; charset=utf-8"
        self.respond(200, data, ctype)

    def send_answer(self, rule, path):
        with open(rule["fixture"], "rb") as f:
            data = f.read()
        ctype = rule.get("content_type")
        if not ctype:
            if path.endswith("/") or rule["fixture"].endswith(".xml"):
                ctype = "application/xml; charset=utf-8"
            else:
                ctype = "application/octet-stream"
        self.respond(rule["status"], data, ctype)

    def send_huge(self, size):
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command == "HEAD":
            return
        chunk = b"<x>" + b"x" * 65529 + b"</x>"
        left = size
        try:
            while left > 0:
                n = min(left, len(chunk))
                self.wfile.write(chunk[:n])
                left -= n
        except OSError:
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = handle_any
    do_PROPFIND = do_REPORT = do_PATCH = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sock, scheme, host, world, www, log, tls):
        self.scheme, self.host, self.world, self.www, self.log = scheme, host, world, www, log
        self.tls = tls
        self.address, self.port = sock.getsockname()
        socketserver.BaseServer.__init__(self, sock.getsockname(), Handler)
        self.socket = sock
        self.server_name, self.server_port = host, self.port

    def finish_request(self, request, client_address):
        # In the connection's own thread, so that a slow handshake holds up
        # nobody else.
        if self.tls is not None:
            try:
                request.settimeout(30)
                request = self.tls.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (OSError, ssl.SSLError) as e:
                sys.stderr.write("%s %s: TLS handshake with %s failed: %s\n"
                                 % (self.scheme, self.host, client_address[0], e))
                return
        try:
            self.RequestHandlerClass(request, client_address, self)
        finally:
            close_tls(request)


def close_tls(sock):
    """Close sock, with a TLS close_notify first if it is TLS: GnuTLS calls
    a connection that just stops "closed unexpectedly"."""
    try:
        if isinstance(sock, ssl.SSLSocket):
            sock.settimeout(1)
            sock.unwrap().close()
            return
    except (OSError, ValueError):
        pass
    try:
        sock.close()
    except OSError:
        pass

    def handle_error(self, request, client_address):
        e = sys.exc_info()[1]
        if isinstance(e, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def remember_sni(sslsock, name, ctx):
    sslsock.accord_sni = name


def httpd(d):
    stop_on_signals()
    world = load(d)
    tls = server_context(d)
    tls.sni_callback = remember_sni
    log = Log(os.path.join(d, "requests.log"))
    www = os.path.join(d, "www")
    servers = []
    for name in world["order"]:
        host = world["hosts"][name]
        if host["http"]:
            servers.append(Server(listen(host["address"], 80), "http", name,
                                  world, www, log, None))
        if host["https"]:
            servers.append(Server(listen(host["address"], 443), "https", name,
                                  world, www, log, tls))
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    write_ready(os.path.join(d, "httpd.ready"))
    while True:
        time.sleep(3600)


# --- relay ----------------------------------------------------------------------

def pump(a, b):
    """Copy both ways between a and b until either side closes."""
    socks = [a, b]
    open_ = {a: True, b: True}
    while open_[a] or open_[b]:
        ready = [s for s in socks if open_[s] and isinstance(s, ssl.SSLSocket) and s.pending()]
        if not ready:
            ready, _, _ = select.select([s for s in socks if open_[s]], [], [])
        for src in ready:
            dst = b if src is a else a
            try:
                data = src.recv(65536)
            except ssl.SSLWantReadError:
                continue
            except OSError:
                data = b""
            if data:
                try:
                    dst.sendall(data)
                except OSError:
                    return
            else:
                open_[src] = False
                try:
                    if isinstance(dst, ssl.SSLSocket):
                        return
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    return


def client_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def recv_line(sock, buf):
    """Read from sock until buf holds a whole line; return (line, rest)."""
    while b"\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed")
        buf += data
    line, _, rest = buf.partition(b"\n")
    return line + b"\n", rest


def starttls_phase(client, upstream, tls, ctx):
    """Relay a plain-text session line by line until the client asks for
    STARTTLS (IMAP, SMTP) or STLS (POP3) and the server agrees; then return
    both sockets wrapped in TLS, or None when the session ended."""
    cbuf = b""
    while True:
        r, _, _ = select.select([client, upstream], [], [])
        if upstream in r:
            data = upstream.recv(65536)
            if not data:
                return None
            client.sendall(data)
        if client in r:
            data = client.recv(65536)
            if not data:
                return None
            cbuf += data
            while b"\n" in cbuf:
                line, _, cbuf = cbuf.partition(b"\n")
                line += b"\n"
                upstream.sendall(line)
                words = line.decode("latin-1").split()
                if len(words) == 2 and words[1].upper() == "STARTTLS":
                    proto, tag = "imap", words[0]
                elif len(words) == 1 and words[0].upper() == "STLS":
                    proto, tag = "pop3", None
                elif len(words) == 1 and words[0].upper() == "STARTTLS":
                    proto, tag = "smtp", None
                else:
                    continue
                sbuf = b""
                while True:
                    reply, sbuf = recv_line(upstream, sbuf)
                    text = reply.decode("latin-1")
                    if proto == "imap" and text.startswith(tag + " "):
                        ok = text[len(tag) + 1:].upper().startswith("OK")
                        break
                    if proto == "pop3" and text[:1] in "+-":
                        ok = text.startswith("+OK")
                        break
                    if proto == "smtp" and re.match(r"^\d{3}[ \r\n]", text):
                        ok = text.startswith("220")
                        break
                    client.sendall(reply)
                if not ok:
                    client.sendall(reply + sbuf)
                    continue
                upstream = ctx.wrap_socket(upstream)
                client.sendall(reply)
                client = tls.wrap_socket(client, server_side=True)
                return client, upstream


def relay_one(client, fwd, tls):
    try:
        upstream = socket.create_connection(tuple(fwd["resolved"]))
    except OSError as e:
        sys.stderr.write("relay %s:%d: cannot reach %s: %s\n"
                         % (fwd["host"], fwd["port"], fwd["resolved"], e))
        client.close()
        return
    socks = [client, upstream]
    try:
        if fwd["kind"] == "tls":
            client = tls.wrap_socket(client, server_side=True)
            socks.append(client)
            upstream = client_context().wrap_socket(upstream)
            socks.append(upstream)
        elif fwd["kind"] == "tls-plain":
            client = tls.wrap_socket(client, server_side=True)
            socks.append(client)
        elif fwd["kind"] == "starttls":
            pair = starttls_phase(client, upstream, tls, client_context())
            if pair is None:
                return
            client, upstream = pair
            socks += pair
        pump(client, upstream)
    except (OSError, ssl.SSLError, ConnectionError) as e:
        sys.stderr.write("relay %s:%d: %s\n" % (fwd["host"], fwd["port"], e))
    finally:
        for s in socks:
            close_tls(s)


def relay_serve(sock, fwd, tls):
    while True:
        client, _ = sock.accept()
        threading.Thread(target=relay_one, args=(client, fwd, tls), daemon=True).start()


def relay(d):
    stop_on_signals()
    world = load(d)
    tls = server_context(d)
    listeners = []
    for fwd in world["forwards"]:
        addr, port = fwd["target"]
        if port.startswith("$"):
            value = os.environ.get(port[1:])
            if not value:
                sys.stderr.write("relay: %s is not set (forward %s %d)\n"
                                 % (port, fwd["host"], fwd["port"]))
                return 1
            # A URL such as $ACCORD_TEST_DAV_URL (http://127.0.0.1:PORT/)
            # stands for its address and port.
            url = urllib.parse.urlsplit(value)
            if url.scheme in ("http", "https") and url.hostname and url.port:
                addr, value = url.hostname, str(url.port)
            port = value
        fwd["resolved"] = [addr, int(port)]
        sock = listen(world["hosts"][fwd["host"]]["address"], fwd["port"])
        listeners.append((sock, fwd))
    for sock, fwd in listeners:
        threading.Thread(target=relay_serve, args=(sock, fwd, tls), daemon=True).start()
    write_ready(os.path.join(d, "relay.ready"))
    while True:
        time.sleep(3600)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "prepare":
        try:
            prepare(sys.argv[2], sys.argv[3])
        except (SpecError, OSError) as e:
            sys.stderr.write("%s\n" % e)
            return 2
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "httpd":
        return httpd(sys.argv[2])
    if len(sys.argv) == 3 and sys.argv[1] == "relay":
        return relay(sys.argv[2])
    sys.stderr.write("usage: world-helper.py prepare SPEC DIR | httpd DIR | relay DIR\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
