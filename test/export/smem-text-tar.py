# Runs /usr/bin/smem unchanged, with one fix around it: on Python 3,
# tarfile hands smem's tardata bytes where smem (written for Python 2)
# expects text, so `smem -S FILE.tar` fails in memory() with "cannot use a
# string pattern on a bytes-like object", whatever made the tarball (a
# capture by busybox smemcap of a real /proc fails the same way). Members
# are opened as text here, which is what smem 1.5 got under Python 2.
import io
import sys
import tarfile

_extractfile = tarfile.TarFile.extractfile
tarfile.TarFile.extractfile = lambda self, member: io.TextIOWrapper(
    _extractfile(self, member), encoding="utf-8", newline=""
)
sys.argv = ["smem"] + sys.argv[1:]
with open("/usr/bin/smem") as f:
    exec(compile(f.read(), "/usr/bin/smem", "exec"))
