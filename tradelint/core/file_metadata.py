"""What a replaced file must keep besides its text: owner, group, mode, extended attributes and
ACLs (``system.posix_acl_*`` attributes on Linux). A fix writes a new file and gives it the old
one's name; whatever of this the new file cannot be given, the fix is refused for."""

from __future__ import annotations

import errno
import os
import stat

_NO_XATTRS = (errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS)


def copy_metadata(old_fd: int, new_fd: int, info: os.stat_result) -> str | None:
    """Give the file open as ``new_fd`` what the one stat'ed as ``info`` (open as ``old_fd``) has,
    in this order: a change of owner clears set-id bits, and an ACL rewrites the mode's group
    bits. None when all was kept, else what could not be, worded to follow the file's name."""
    now = os.fstat(new_fd)
    if (now.st_uid, now.st_gid) != (info.st_uid, info.st_gid):
        try:
            os.fchown(new_fd, info.st_uid, info.st_gid)
        except OSError:
            return f"owned by uid {info.st_uid}, gid {info.st_gid}; a fixed copy could not keep that owner"
    mode = stat.S_IMODE(info.st_mode)
    os.fchmod(new_fd, mode)
    if not hasattr(os, "listxattr"):
        return None
    lost = _copy_xattrs(old_fd, new_fd)
    if lost is None and stat.S_IMODE(os.fstat(new_fd).st_mode) != mode:
        os.fchmod(new_fd, mode)
    return lost


def _copy_xattrs(old_fd: int, new_fd: int) -> str | None:
    try:
        wanted = {name: os.getxattr(old_fd, name) for name in os.listxattr(old_fd)}
    except OSError as exc:
        if exc.errno in _NO_XATTRS:
            return None  # the file system keeps none
        return f"cannot read its extended attributes ({exc.strerror})"
    try:
        present = set(os.listxattr(new_fd))
    except OSError:
        present = set()
    for name in sorted(present - set(wanted)):  # an ACL inherited from the folder's default one
        try:
            os.removexattr(new_fd, name)
        except OSError as exc:
            return f"a fixed copy would gain the extended attribute {name} ({exc.strerror})"
    for name, value in wanted.items():
        try:
            if name in present and os.getxattr(new_fd, name) == value:
                continue  # a label the system gave it already (SELinux)
            os.setxattr(new_fd, name, value)
        except OSError as exc:
            return f"a fixed copy could not keep its extended attribute {name} ({exc.strerror})"
    return None
