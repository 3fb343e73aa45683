/*
 * inode.c - the table of inodes a view has handed to the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "aiwgfs/log.h"
#include "inode.h"

#define TABLE_MIN 256

const struct vnode vnode_gone = {
	.name = "",
	.path = "",
	.type = VNODE_FILE,
};

struct inode_table {
	pthread_mutex_t lock;
	struct inode root;
	struct inode **real;  /* by (dev, ino) */
	struct inode **synth; /* by vnode */
	size_t nbuckets;
	size_t count;
};

static size_t real_hash(const struct inode_table *t, dev_t dev, ino_t ino)
{
	uint64_t k[2] = { (uint64_t)dev, (uint64_t)ino };

	return XXH3_64bits(k, sizeof(k)) & (t->nbuckets - 1);
}

static size_t synth_hash(const struct inode_table *t, const void *vn)
{
	uintptr_t k = (uintptr_t)vn;

	return XXH3_64bits(&k, sizeof(k)) & (t->nbuckets - 1);
}

struct inode_table *inode_table_new(struct ufs *fs)
{
	struct inode_table *t = calloc(1, sizeof(*t));
	struct stat st;

	if (!t)
		return NULL;
	t->nbuckets = TABLE_MIN;
	t->real = calloc(t->nbuckets, sizeof(*t->real));
	t->synth = calloc(t->nbuckets, sizeof(*t->synth));
	if (!t->real || !t->synth) {
		free(t->real);
		free(t->synth);
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->root.fd = fs->root_fd;
	t->root.io_fd = -1;
	t->root.vn = ufs_view(fs)->root;
	t->root.nlookup = 2;
	if (fs->root_fd >= 0 && !fstatat(fs->root_fd, "", &st, AT_EMPTY_PATH)) {
		t->root.dev = st.st_dev;
		t->root.ino = st.st_ino;
	}
	t->count = 1;
	return t;
}

/* Let go of what an inode holds, and of the inode. */
static void inode_destroy(struct ufs *fs, struct inode *in)
{
	if (in->fd >= 0)
		close(in->fd);
	if (in->io_fd >= 0)
		close(in->io_fd);
	/* a frozen version is one the source has moved past */
	if (in->vn == &vnode_gone)
		cache_retire(fs->cache, in->entry);
	else
		cache_release(fs->cache, in->entry);
	free(in);
}

static void chain_free(struct ufs *fs, struct inode *in, struct inode *root,
		       bool real)
{
	while (in) {
		struct inode *next = real ? in->real_next : in->synth_next;

		if (in != root && (real || in->fd < 0))
			inode_destroy(fs, in);
		in = next;
	}
}

void inode_table_free(struct ufs *fs)
{
	struct inode_table *t = fs->inodes;

	if (!t)
		return;
	cache_release(fs->cache, t->root.entry);
	/* Every inode with a real object is on the real chains; the rest,
	 * synthesized only, on the synth chains alone. Free those first. */
	for (size_t i = 0; i < t->nbuckets; i++)
		chain_free(fs, t->synth[i], &t->root, false);
	for (size_t i = 0; i < t->nbuckets; i++)
		chain_free(fs, t->real[i], &t->root, true);
	pthread_mutex_destroy(&t->lock);
	free(t->real);
	free(t->synth);
	free(t);
}

/* Double the buckets when the table is loaded past one per bucket. */
static void table_grow(struct inode_table *t)
{
	size_t old = t->nbuckets, n = old * 2;
	struct inode **real = calloc(n, sizeof(*real));
	struct inode **synth = calloc(n, sizeof(*synth));
	struct inode **oreal = t->real, **osynth = t->synth;

	if (!real || !synth) {
		free(real);
		free(synth);
		return;
	}
	t->real = real;
	t->synth = synth;
	t->nbuckets = n;
	for (size_t i = 0; i < old; i++) {
		for (struct inode *in = oreal[i], *next; in; in = next) {
			size_t h = real_hash(t, in->dev, in->ino);

			next = in->real_next;
			in->real_next = real[h];
			real[h] = in;
		}
		for (struct inode *in = osynth[i], *next; in; in = next) {
			size_t h = synth_hash(t, in->vn);

			next = in->synth_next;
			in->synth_next = synth[h];
			synth[h] = in;
		}
	}
	free(oreal);
	free(osynth);
}

static void link_real(struct inode_table *t, struct inode *in)
{
	size_t h = real_hash(t, in->dev, in->ino);

	in->real_next = t->real[h];
	t->real[h] = in;
}

static void link_synth(struct inode_table *t, struct inode *in)
{
	size_t h = synth_hash(t, in->vn);

	in->synth_next = t->synth[h];
	t->synth[h] = in;
}

static void unlink_chain(struct inode **head, struct inode *in, bool real)
{
	for (struct inode **p = head; *p;
	     p = real ? &(*p)->real_next : &(*p)->synth_next) {
		if (*p == in) {
			*p = real ? in->real_next : in->synth_next;
			return;
		}
	}
}

static struct inode *find_real(struct inode_table *t, dev_t dev, ino_t ino)
{
	if (t->root.fd >= 0 && t->root.dev == dev && t->root.ino == ino)
		return &t->root;
	for (struct inode *in = t->real[real_hash(t, dev, ino)]; in;
	     in = in->real_next)
		if (in->dev == dev && in->ino == ino)
			return in;
	return NULL;
}

static struct inode *find_synth(struct inode_table *t, const void *vn)
{
	for (struct inode *in = t->synth[synth_hash(t, vn)]; in;
	     in = in->synth_next)
		if (in->vn == vn)
			return in;
	return NULL;
}

struct inode *inode_get(struct ufs *fs, fuse_ino_t id)
{
	if (id == FUSE_ROOT_ID)
		return &fs->inodes->root;
	return (struct inode *)(uintptr_t)id;
}

fuse_ino_t inode_id(struct ufs *fs, const struct inode *in)
{
	if (in == &fs->inodes->root)
		return FUSE_ROOT_ID;
	return (fuse_ino_t)(uintptr_t)in;
}

struct inode *inode_ref(struct ufs *fs, int fd, const struct stat *st,
			const struct vnode *vn)
{
	struct inode_table *t = fs->inodes;
	struct inode *in = NULL;

	pthread_mutex_lock(&t->lock);
	if (fd >= 0)
		in = find_real(t, st->st_dev, st->st_ino);
	else if (vn)
		in = find_synth(t, vn);
	if (in) {
		if (fd >= 0)
			close(fd);
		/* A real folder found again may now also be synthesized. */
		if (vn && !in->vn) {
			in->vn = vn;
			link_synth(t, in);
		}
		goto out;
	}
	in = calloc(1, sizeof(*in));
	if (!in) {
		if (fd >= 0)
			close(fd);
		goto out_unlock;
	}
	in->fd = fd;
	in->io_fd = -1;
	in->vn = vn;
	if (fd >= 0) {
		in->dev = st->st_dev;
		in->ino = st->st_ino;
		link_real(t, in);
	}
	if (vn)
		link_synth(t, in);
	if (++t->count > t->nbuckets)
		table_grow(t);
out:
	in->nlookup++;
out_unlock:
	pthread_mutex_unlock(&t->lock);
	return in;
}

void inode_set_real(struct ufs *fs, struct inode *in, int fd,
		    const struct stat *st)
{
	struct inode_table *t = fs->inodes;

	pthread_mutex_lock(&t->lock);
	if (in->fd >= 0) {
		close(fd);
	} else {
		in->fd = fd;
		in->dev = st->st_dev;
		in->ino = st->st_ino;
		if (in != &t->root)
			link_real(t, in);
	}
	pthread_mutex_unlock(&t->lock);
}

void inode_forget(struct ufs *fs, fuse_ino_t id, uint64_t n)
{
	struct inode_table *t = fs->inodes;
	struct inode *in = inode_get(fs, id);

	if (in == &t->root)
		return;
	pthread_mutex_lock(&t->lock);
	if (n > in->nlookup) {
		log_limited(t, LOG_LEVEL_ERROR,
			    "kernel forgot more lookups than it had");
		n = in->nlookup;
	}
	in->nlookup -= n;
	if (in->nlookup) {
		pthread_mutex_unlock(&t->lock);
		return;
	}
	if (in->fd >= 0)
		unlink_chain(&t->real[real_hash(t, in->dev, in->ino)], in,
			     true);
	if (in->vn)
		unlink_chain(&t->synth[synth_hash(t, in->vn)], in, false);
	t->count--;
	pthread_mutex_unlock(&t->lock);
	inode_destroy(fs, in);
}

/* Every inode but the root, into an array (the caller frees it). */
static struct inode **collect(struct inode_table *t, size_t *n)
{
	struct inode **v = calloc(t->count ? t->count : 1, sizeof(*v));
	size_t k = 0;

	if (!v)
		return NULL;
	for (size_t i = 0; i < t->nbuckets; i++) {
		for (struct inode *in = t->real[i]; in; in = in->real_next)
			if (k < t->count)
				v[k++] = in;
		for (struct inode *in = t->synth[i]; in; in = in->synth_next)
			if (in->fd < 0 && k < t->count)
				v[k++] = in;
	}
	*n = k;
	return v;
}

void inode_for_each(struct ufs *fs,
		    bool (*fn)(struct ufs *fs, struct inode *in, void *arg),
		    void *arg)
{
	struct inode_table *t = fs->inodes;
	struct inode **all;
	bool moved = false;
	size_t n = 0;

	pthread_mutex_lock(&t->lock);
	all = collect(t, &n);
	if (!all) {
		pthread_mutex_unlock(&t->lock);
		log_error("out of memory walking the inodes of '%s'",
			  fs->mountpoint);
		return;
	}
	moved |= fn(fs, &t->root, arg);
	for (size_t i = 0; i < n; i++)
		moved |= fn(fs, all[i], arg);
	if (moved) {
		/* Vnodes are the keys of the synth chains: file them anew. */
		memset(t->synth, 0, t->nbuckets * sizeof(*t->synth));
		for (size_t i = 0; i < n; i++)
			if (all[i]->vn)
				link_synth(t, all[i]);
	}
	free(all);
	pthread_mutex_unlock(&t->lock);
}

void inode_freeze(struct inode *in)
{
	in->frozen_ino = in->vn->ino;
	in->frozen_exec = in->vn->executable;
	in->vn = &vnode_gone;
}

void inode_set_entry(struct ufs *fs, struct inode *in, struct cache_entry *e)
{
	struct cache_entry *old;

	cache_ref(fs->cache, e);
	pthread_mutex_lock(&fs->inodes->lock);
	old = in->entry;
	in->entry = e;
	pthread_mutex_unlock(&fs->inodes->lock);
	cache_release(fs->cache, old);
}

fuse_ino_t inode_find_synth(struct ufs *fs, const struct vnode *vn)
{
	struct inode *in;
	fuse_ino_t id = 0;

	if (!vn)
		return 0;
	if (vn == fs->inodes->root.vn)
		return FUSE_ROOT_ID;
	pthread_mutex_lock(&fs->inodes->lock);
	in = find_synth(fs->inodes, vn);
	if (in)
		id = inode_id(fs, in);
	pthread_mutex_unlock(&fs->inodes->lock);
	return id;
}

size_t inode_count(struct ufs *fs)
{
	size_t n;

	pthread_mutex_lock(&fs->inodes->lock);
	n = fs->inodes->count;
	pthread_mutex_unlock(&fs->inodes->lock);
	return n;
}
