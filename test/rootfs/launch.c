/*
 * launch: exec a program with address-space randomisation disabled
 * (personality ADDR_NO_RANDOMIZE, as `setarch x86_64 -R`), with an exact
 * argv (argv[0] chosen freely) and an exact environment read from a file.
 * Built statically so that the launcher itself takes as few page faults as
 * possible before the execve (fault counters survive exec).
 *
 *   launch plain EXECPATH ENVFILE ARGV0 [ARGS...]
 *       personality + execve in place (used under strace).
 *   launch super [--ctty] [--stop-exit] [--rep N] [--go N] EXECPATH ENVFILE ARGV0 [ARGS...]
 *       fork; the child does PTRACE_TRACEME and execve. The supervisor talks
 *       on fd --rep N (default 3; reports, one line each) and reads fd --go N
 *       (default 4; one "go" line per stop):
 *         "PID <pid>"
 *         "PREEXEC <minflt> <majflt>"   child stopped at execve entry
 *         "EXEC <minflt> <majflt> <rsp> <rip>"  stopped at PTRACE_EVENT_EXEC
 *       then waits for "go". Without --stop-exit it detaches and the program
 *       runs untraced. With --stop-exit it keeps stepping syscalls and stops
 *       again at the entry of exit_group:
 *         "EXITGROUP <minflt> <majflt>"
 *       waits for "go", then lets it exit. Finally "STATUS <wstatus>".
 *   --ctty: the child calls setsid() and makes fd 0 (or else fd 1) its
 *   controlling tty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static char *envbuf;
static char *envv[256];

static void load_env(const char *file) {
  int fd = open(file, O_RDONLY);
  if (fd < 0) { perror(file); exit(111); }
  struct stat st;
  fstat(fd, &st);
  envbuf = malloc(st.st_size + 1);
  ssize_t n = read(fd, envbuf, st.st_size);
  if (n != st.st_size) { perror("read env"); exit(111); }
  envbuf[n] = 0;
  close(fd);
  int k = 0;
  char *p = envbuf;
  while (*p && k < 255) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    if (*p) envv[k++] = p;
    if (!nl) break;
    p = nl + 1;
  }
  envv[k] = NULL;
}

static void faults(pid_t pid, unsigned long *mn, unsigned long *mj) {
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  char *p = strrchr(buf, ')');
  /* fields after comm: 3 state ... 10 minflt 11 cminflt 12 majflt */
  unsigned long v[16];
  char st;
  sscanf(p + 2, "%c %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu", &st, &v[0], &v[1],
         &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
  *mn = v[6];
  *mj = v[8];
}

static FILE *rep;
static int rep_fd = 3, go_fd = 4;
static void wait_go(void) {
  char line[64];
  ssize_t n = read(go_fd, line, sizeof line);
  (void)n;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage\n"); return 111; }
  int super = strcmp(argv[1], "super") == 0;
  int ctty = 0, stop_exit = 0, i = 2;
  while (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
    if (!strcmp(argv[i], "--ctty")) ctty = 1;
    else if (!strcmp(argv[i], "--stop-exit")) stop_exit = 1;
    else if (!strcmp(argv[i], "--rep")) rep_fd = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--go")) go_fd = atoi(argv[++i]);
    i++;
  }
  const char *path = argv[i];
  load_env(argv[i + 1]);
  char **cargv = &argv[i + 2];
  if (personality(ADDR_NO_RANDOMIZE) < 0) { perror("personality"); return 111; }
  if (!super) {
    execve(path, cargv, envv);
    perror("execve");
    return 127;
  }
  rep = fdopen(rep_fd, "w");
  setvbuf(rep, NULL, _IOLBF, 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(rep_fd);
    close(go_fd);
    if (ctty) {
      setsid();
      /* the controlling tty: fd 0 if it is a terminal, else fd 1 */
      if (ioctl(0, TIOCSCTTY, 0) < 0 && ioctl(1, TIOCSCTTY, 0) < 0) perror("TIOCSCTTY");
    }
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    execve(path, cargv, envv);
    _exit(127);
  }
  fprintf(rep, "PID %d\n", pid);
  int ws;
  waitpid(pid, &ws, 0); /* SIGSTOP */
  ptrace(PTRACE_SETOPTIONS, pid, 0,
         PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
  unsigned long mn, mj;
  int phase = 0; /* 0 before execve entry, 1 exec seen */
  int in_syscall = 0;
  ptrace(PTRACE_SYSCALL, pid, 0, 0);
  for (;;) {
    if (waitpid(pid, &ws, 0) < 0) break;
    if (WIFEXITED(ws) || WIFSIGNALED(ws)) {
      fprintf(rep, "STATUS %d\n", ws);
      return 0;
    }
    int sig = 0;
    if (WIFSTOPPED(ws)) {
      int s = WSTOPSIG(ws);
      if (s == (SIGTRAP | 0x80)) {
        struct user_regs_struct r;
        ptrace(PTRACE_GETREGS, pid, 0, &r);
        in_syscall = !in_syscall;
        if (in_syscall && phase == 0 && r.orig_rax == 59) {
          faults(pid, &mn, &mj);
          fprintf(rep, "PREEXEC %lu %lu\n", mn, mj);
        }
        if (in_syscall && phase == 1 && r.orig_rax == 231 && stop_exit) {
          faults(pid, &mn, &mj);
          fprintf(rep, "EXITGROUP %lu %lu\n", mn, mj);
          wait_go();
          ptrace(PTRACE_DETACH, pid, 0, 0);
          waitpid(pid, &ws, 0);
          fprintf(rep, "STATUS %d\n", ws);
          return 0;
        }
      } else if (s == SIGTRAP && (ws >> 16) == PTRACE_EVENT_EXEC) {
        struct user_regs_struct r;
        ptrace(PTRACE_GETREGS, pid, 0, &r);
        faults(pid, &mn, &mj);
        fprintf(rep, "EXEC %lu %lu 0x%llx 0x%llx\n", mn, mj, r.rsp, r.rip);
        phase = 1;
        /* the exec event arrives between syscall entry and exit stops */
        wait_go();
        if (!stop_exit) {
          ptrace(PTRACE_DETACH, pid, 0, 0);
          while (waitpid(pid, &ws, 0) >= 0) {
            if (WIFEXITED(ws) || WIFSIGNALED(ws)) break;
          }
          fprintf(rep, "STATUS %d\n", ws);
          return 0;
        }
      } else if (s == SIGTRAP) {
        /* legacy post-exec SIGTRAP is suppressed by TRACEEXEC */
      } else {
        sig = s;
      }
    }
    ptrace(PTRACE_SYSCALL, pid, 0, sig);
  }
  return 0;
}
