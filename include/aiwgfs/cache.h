/*
 * cache.h - rendered bytes, keyed by content hash.
 *
 * A key is a 128-bit XXH3 hash over everything a render depends on (see
 * render.h). An entry holds the bytes rendered for one key. Entries are
 * shared by every view file whose key is equal and reference counted: a
 * reference keeps the bytes valid however the cache changes, so an open file
 * handle reads one whole version. Entries that nobody references stay in the
 * cache until the total size of cached bytes passes the bound, then the
 * least recently used go first. Referenced entries are never freed; they may
 * push the total over the bound until they are released.
 *
 * All functions are thread-safe (one mutex inside).
 */
#ifndef AIWGFS_CACHE_H
#define AIWGFS_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct cache_key {
	uint64_t lo;
	uint64_t hi;
};

struct cache_entry {
	struct cache_key key;
	size_t size;
	char *data; /* size bytes, plus a NUL; read-only once published */
	/* fields below are private to cache.c */
	unsigned long refs;
	struct cache_entry *lru_prev, *lru_next, *hash_next;
	int in_map;
};

struct cache_stats {
	size_t entries;
	size_t bytes;
	size_t limit;
	uint64_t hits;
	uint64_t misses;
	uint64_t evictions;
};

/* A cache holding at most about `limit` bytes (0: no bound). NULL on ENOMEM. */
struct cache *cache_new(size_t limit);

/* Free the cache; every entry must have been released. */
void cache_free(struct cache *c);

/* The entry for `key` with a new reference, or NULL when absent. */
struct cache_entry *cache_get(struct cache *c, const struct cache_key *key);

/*
 * Publish `size` bytes at `data` (allocated with malloc, size + 1 bytes, the
 * last a NUL; ownership passes to the cache in every case) under `key`, and
 * return the entry with a reference. If the key is already present, `data`
 * is freed and the existing entry is returned. NULL on ENOMEM.
 */
struct cache_entry *cache_put(struct cache *c, const struct cache_key *key,
			      char *data, size_t size);

/* Another reference to an entry the caller holds one of; returns `e`. */
struct cache_entry *cache_ref(struct cache *c, struct cache_entry *e);

/* Drop a reference taken by cache_get(), cache_put() or cache_ref(). */
void cache_release(struct cache *c, struct cache_entry *e);

/*
 * Drop a reference to a version that the source has moved past: like
 * cache_release(), but when it was the last reference the entry leaves the
 * cache at once rather than wait for eviction. Old versions of index pages,
 * which every edit renews, would otherwise fill the cache to its bound.
 */
void cache_retire(struct cache *c, struct cache_entry *e);

void cache_get_stats(struct cache *c, struct cache_stats *st);

#endif
