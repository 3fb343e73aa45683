/*
 * inode.h - the inodes a view has handed to the kernel.
 *
 * An inode stands for a real object (reached through an O_PATH descriptor),
 * a synthesized node of the view tree, or both at once (a real folder that
 * the view also fills in). Its FUSE node id is its address; the root is
 * FUSE_ROOT_ID. Real inodes are found again by (st_dev, st_ino), synthesized
 * ones by their vnode, so the kernel never sees two ids for one object.
 *
 * `nlookup` counts the kernel's references: every entry reply adds one,
 * forget takes them away, and the inode is freed at zero (never the root).
 * All functions take the table's lock themselves.
 */
#ifndef AIWGFS_INODE_H
#define AIWGFS_INODE_H

#include <stdint.h>
#include <sys/stat.h>

#include "fs.h"

struct inode {
	int fd;	   /* O_PATH of the real object, or -1 */
	int io_fd; /* a real file's I/O descriptor without open, or -1 */
	dev_t dev;
	ino_t ino;
	const struct vnode *vn; /* synthesized node, or NULL */
	uint64_t nlookup;
	/* The key last opened, so a reopen keeps the kernel's page cache
	 * only while the rendered bytes are the same; and the key whose size
	 * the kernel was last told, so the watcher knows what changed. */
	struct cache_key opened;
	struct cache_key key;
	/*
	 * While the watcher runs: the version the kernel was last told of,
	 * held so that getattr and open need not render. The watcher
	 * replaces it when the source changes.
	 */
	struct cache_entry *entry;
	/* A frozen inode (vn == &vnode_gone with an entry) keeps these. */
	uint64_t frozen_ino;
	bool frozen_exec;
	struct inode *real_next; /* hash chains */
	struct inode *synth_next;
};

/*
 * What a synthesized inode points at once its node is gone from the model
 * (the source file was removed): every request on it fails with ENOENT
 * until the kernel forgets it.
 */
extern const struct vnode vnode_gone;

/*
 * Freeze a synthesized file inode at the version it holds: it leaves its
 * node (the caller files it again, see inode_for_each) and answers with
 * that version until the kernel forgets it.
 */
void inode_freeze(struct inode *in);

/* Hold `e` (a new reference) as the current version of `in`. */
void inode_set_entry(struct ufs *fs, struct inode *in, struct cache_entry *e);

/* The inode of a node id the kernel sent, or NULL for an unknown one. */
struct inode *inode_get(struct ufs *fs, fuse_ino_t id);

/* The node id to give the kernel for `in`. */
fuse_ino_t inode_id(struct ufs *fs, const struct inode *in);

/*
 * Find or make the inode for a looked-up entry and count one lookup.
 * `fd` is an O_PATH descriptor of the real object with stat `st` (or -1 and
 * NULL for a synthesized-only entry); the table takes ownership of `fd`,
 * closing it when an inode for that object already exists. `vn` is the
 * synthesized node of the same name, if any. NULL on ENOMEM (fd closed).
 */
struct inode *inode_ref(struct ufs *fs, int fd, const struct stat *st,
			const struct vnode *vn);

/* Give `in` a real object: used when a synthesized folder becomes real. */
void inode_set_real(struct ufs *fs, struct inode *in, int fd,
		    const struct stat *st);

/* Drop n lookups of node id `id`. */
void inode_forget(struct ufs *fs, fuse_ino_t id, uint64_t n);

/*
 * Call fn on every inode of the table (the root included) with the table
 * locked: fn must not call back into the table. When fn changes an
 * inode's vnode it returns true, and the table files it again.
 */
void inode_for_each(struct ufs *fs,
		    bool (*fn)(struct ufs *fs, struct inode *in, void *arg),
		    void *arg);

/* The node id of the inode of synthesized node `vn`, or 0 if none. */
fuse_ino_t inode_find_synth(struct ufs *fs, const struct vnode *vn);

/* How many inodes the table holds (the root included). */
size_t inode_count(struct ufs *fs);

#endif
