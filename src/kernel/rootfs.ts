/**
 * The machine at power-on: kernel frames (zero page, vDSO) and the root
 * filesystem, built from the files the captured Debian programs use
 * (rootfs-image.ts).
 */
import { VDSO_PFN, VVAR_PFN, VVAR_VCLOCK_PFN } from "./fault.js";
import { KIND_FILE, KIND_FREE, type PhysMem, ZERO_PFN } from "./phys.js";
import {
  ROOTFS_FILES,
  SYMLINKS,
  VDSO_BYTES,
  VVAR_BYTES,
  VVAR_VCLOCK_BYTES,
} from "./rootfs-image.js";
import { fileWord, Vfs } from "./vfs.js";

/** st_dev of the root filesystem (/dev/vda, 254:0) and of the tmpfs on /dev/shm. */
const ROOT_DEV = { major: 0xfe, minor: 0x00 };
const SHM_DEV = { major: 0x00, minor: 0x1b };
/**
 * Inode numbers ext4 hands to files created after boot start here. The
 * directories and symlinks boot creates take theirs from a range of their
 * own below, so that a larger root image (issue 14's programs) does not
 * move the numbers a session's files get.
 */
const FIRST_NEW_INODE = 2_146_335;
const FIRST_BOOT_INODE = 2_146_100;

/** Reserves the kernel's own frames that user mappings can reach. */
export function bootSpecialFrames(phys: PhysMem): void {
  phys.reserve(ZERO_PFN, KIND_FREE);
  for (let i = 0; i < VDSO_BYTES / 4096; i++) {
    phys.reserve(VDSO_PFN + i, KIND_FILE);
    phys.content[VDSO_PFN + i] = fileWord(0x7d50, i);
  }
  for (let i = 0; i < VVAR_BYTES / 4096; i++) phys.reserve(VVAR_PFN + i, KIND_FREE);
  for (let i = 0; i < VVAR_VCLOCK_BYTES / 4096; i++) phys.reserve(VVAR_VCLOCK_PFN + i, KIND_FREE);
}

/** The root filesystem: the captured files, merged-/usr symlinks, and the usual empty directories. */
export function bootFilesystem(): Vfs {
  const vfs = new Vfs(
    ROOT_DEV,
    [{ path: "/dev/shm", dev: SHM_DEV, shmem: true }],
    FIRST_BOOT_INODE,
  );
  for (const file of ROOTFS_FILES) {
    if (file.kind === "dir") {
      vfs.mkdirs(file.path);
      continue;
    }
    const dev = { major: file.dev[0], minor: file.dev[1] };
    const inode = vfs.install(file.path, file.inode, dev, file.mode & 0o7777, file.size);
    if (file.elf !== undefined) inode.elf = file.elf;
  }
  for (const [link, target] of SYMLINKS) vfs.symlink(link, target);
  vfs.symlink("/bin", "usr/bin");
  vfs.symlink("/sbin", "usr/sbin");
  vfs.symlink("/usr/sbin/init", "../bin/tini");
  for (const dir of ["/tmp", "/var/tmp", "/dev/shm", "/root", "/home", "/etc", "/proc"])
    vfs.mkdirs(dir);
  const booted = vfs.snapshotState();
  if (booted.nextIno > FIRST_NEW_INODE) throw new Error("rootfs: boot's inode range is full");
  return Vfs.restore(vfs.root, { ...booted, nextIno: FIRST_NEW_INODE });
}
