"""One booted system of the network benchmark: its QEMU (started through tools/qemu-run, so
every system gets the same command line shape), its console log and its serving port."""

import os
import socket
import subprocess
import time

import traffic

HERE = os.path.dirname(os.path.abspath(__file__))
# virtio-plain: virtio-net offering only what NetBSD 7.99's vioif driver negotiates (no
# checksum offload, no segmentation offload, no merged receive buffers), so that Linux's
# virtio-net runs with the same device features as the rump kernel's driver.
PLAIN = ("csum guest_csum gso host_tso4 host_tso6 host_ecn host_ufo guest_tso4 guest_tso6 "
         "guest_ecn guest_ufo mrg_rxbuf").split()
NIC_MODELS = {"virtio": "virtio-net-pci", "e1000": "e1000",
              "virtio-plain": "virtio-net-pci," + ",".join(p + "=off" for p in PLAIN)}
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BootError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guest:
    """kernel and initrd as tools/qemu-run takes them (our kernel or upstream seL4 with a
    root-task image, or Linux with its initramfs), extra QEMU arguments, a NIC model name."""

    def __init__(self, qemu_run, kernel, initrd, nic, log, extra=(), timeout=600):
        self.qemu_run, self.kernel, self.initrd = qemu_run, kernel, initrd
        self.nic, self.log, self.extra, self.timeout = nic, log, list(extra), timeout
        self.proc = self.pid = self.port = None

    def start(self):
        for _ in range(5):
            self.port = free_port()
            pidfile = self.log + ".pid"
            for f in (self.log, pidfile):
                if os.path.exists(f):
                    os.unlink(f)
            netdev = "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:7" % self.port
            args = [self.qemu_run, "-t", str(self.timeout), "-l", self.log, self.kernel,
                    self.initrd, "-nic", "none", "-netdev", netdev, "-device",
                    NIC_MODELS[self.nic] + ",netdev=n0"] + self.extra
            env = dict(os.environ, QEMU=os.path.join(HERE, "qemu-pid"), NETBENCH_PIDFILE=pidfile)
            if "QEMU" in os.environ:
                env["NETBENCH_QEMU"] = os.environ["QEMU"]
            self.started = time.monotonic()
            self.stderr = open(self.log + ".stderr", "w")
            self.proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=self.stderr)
            while self.proc.poll() is None:
                try:
                    with open(pidfile) as f:  # qemu-pid may have made it and not yet written
                        self.pid = int(f.read())
                    return
                except (OSError, ValueError):
                    time.sleep(0.005)
            # QEMU ended at once: if another program took the port meanwhile, try another.
            self.stderr.close()
            with open(self.log + ".stderr") as f:
                err = f.read()
            if "host forwarding" not in err:
                raise BootError("QEMU did not start: " + err.strip())
        raise BootError("no free host port for QEMU's forwarding")

    def console(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_serving(self, timeout):
        """Seconds from QEMU's start until the server answered its first echo."""
        deadline = self.started + timeout
        while "netserve: listening" not in self.console():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise BootError("the server did not start (%s)" % self.tail())
            time.sleep(0.01)
        while not traffic.echo_probe(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise BootError("the server does not echo (%s)" % self.tail())
            time.sleep(0.05)
        return time.monotonic() - self.started

    def cpu_seconds(self):
        """User plus system CPU time QEMU has used so far (all its threads)."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def quit(self, timeout=60):
        """Asks the server to end; the system then ends QEMU. qemu-run's status (0: clean)."""
        try:
            answer = traffic.command(self.port, "quit")  # closes after "bye": the server waits
            if answer != "bye":
                raise BootError("quit: answer %r" % answer)
            return self.proc.wait(timeout)
        except (OSError, subprocess.TimeoutExpired, traffic.TrafficError) as e:
            self.stop()
            raise BootError("the system did not end after quit: %s" % e)
        finally:
            self.stderr.close()

    def stop(self):
        """Ends QEMU if it still runs (after a failure)."""
        if self.proc and not self.stderr.closed:
            self.stderr.close()
        if self.proc and self.proc.poll() is None:
            try:
                os.kill(self.pid, 15)
            except OSError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self):
        lines = [l for l in self.console().replace("\r", "").splitlines() if l.strip()]
        return "console: " + (" | ".join(lines[-3:]) if lines else "empty") + ", log " + self.log
