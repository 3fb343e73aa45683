/*
 * cache.c - rendered bytes, keyed by content hash.
 *
 * The map is a chained hash table over the low word of the key (XXH3 output
 * is already uniform) that doubles when it holds more entries than buckets.
 * Every entry in the map is on the LRU list, head most recently used;
 * eviction walks from the tail and skips referenced entries. An evicted
 * entry that is still referenced leaves the map and the list, and is freed
 * by its last cache_release().
 */
#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "aiwgfs/cache.h"

#define CACHE_MIN_BUCKETS 64

struct cache {
	pthread_mutex_t lock;
	struct cache_entry **buckets;
	size_t nbuckets; /* a power of two */
	struct cache_entry *lru_head, *lru_tail;
	size_t entries;
	size_t bytes;
	size_t limit;
	uint64_t hits;
	uint64_t misses;
	uint64_t evictions;
};

static bool key_equal(const struct cache_key *a, const struct cache_key *b)
{
	return a->lo == b->lo && a->hi == b->hi;
}

static size_t bucket_of(const struct cache_key *key, size_t nbuckets)
{
	return (size_t)key->lo & (nbuckets - 1);
}

static void entry_free(struct cache_entry *e)
{
	free(e->data);
	free(e);
}

static void lru_unlink(struct cache *c, struct cache_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		c->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		c->lru_tail = e->lru_prev;
	e->lru_prev = NULL;
	e->lru_next = NULL;
}

static void lru_push_head(struct cache *c, struct cache_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = c->lru_head;
	if (c->lru_head)
		c->lru_head->lru_prev = e;
	else
		c->lru_tail = e;
	c->lru_head = e;
}

static struct cache_entry *map_find(struct cache *c,
				    const struct cache_key *key)
{
	struct cache_entry *e;

	e = c->buckets[bucket_of(key, c->nbuckets)];
	while (e && !key_equal(&e->key, key))
		e = e->hash_next;
	return e;
}

/*
 * Double the bucket array. Failing to allocate is harmless: the chains just
 * get longer, so the error is not reported.
 */
static void map_grow(struct cache *c)
{
	struct cache_entry **nb, *e, *next;
	size_t n = c->nbuckets * 2, i, b;

	nb = calloc(n, sizeof(*nb));
	if (!nb)
		return;
	for (i = 0; i < c->nbuckets; i++) {
		for (e = c->buckets[i]; e; e = next) {
			next = e->hash_next;
			b = bucket_of(&e->key, n);
			e->hash_next = nb[b];
			nb[b] = e;
		}
	}
	free(c->buckets);
	c->buckets = nb;
	c->nbuckets = n;
}

static void map_insert(struct cache *c, struct cache_entry *e)
{
	size_t b;

	if (c->entries >= c->nbuckets && c->nbuckets <= SIZE_MAX / 2)
		map_grow(c);
	b = bucket_of(&e->key, c->nbuckets);
	e->hash_next = c->buckets[b];
	c->buckets[b] = e;
	e->in_map = 1;
	lru_push_head(c, e);
	c->entries++;
	c->bytes += e->size;
}

static void map_remove(struct cache *c, struct cache_entry *e)
{
	struct cache_entry **pp;

	pp = &c->buckets[bucket_of(&e->key, c->nbuckets)];
	while (*pp != e)
		pp = &(*pp)->hash_next;
	*pp = e->hash_next;
	e->hash_next = NULL;
	e->in_map = 0;
	lru_unlink(c, e);
	c->entries--;
	c->bytes -= e->size;
}

/* Evict unreferenced entries, least recently used first, down to the bound. */
static void cache_trim(struct cache *c)
{
	struct cache_entry *e, *prev;

	if (!c->limit)
		return;
	for (e = c->lru_tail; e && c->bytes > c->limit; e = prev) {
		prev = e->lru_prev;
		if (e->refs)
			continue;
		map_remove(c, e);
		entry_free(e);
		c->evictions++;
	}
}

struct cache *cache_new(size_t limit)
{
	struct cache *c;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->nbuckets = CACHE_MIN_BUCKETS;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets)
		goto out_free_cache;
	if (pthread_mutex_init(&c->lock, NULL))
		goto out_free_buckets;
	c->limit = limit;
	return c;

out_free_buckets:
	free(c->buckets);
out_free_cache:
	free(c);
	return NULL;
}

void cache_free(struct cache *c)
{
	struct cache_entry *e, *next;

	if (!c)
		return;
	for (e = c->lru_head; e; e = next) {
		next = e->lru_next;
		assert(!e->refs);
		entry_free(e);
	}
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}

struct cache_entry *cache_get(struct cache *c, const struct cache_key *key)
{
	struct cache_entry *e;

	pthread_mutex_lock(&c->lock);
	e = map_find(c, key);
	if (e) {
		e->refs++;
		lru_unlink(c, e);
		lru_push_head(c, e);
		c->hits++;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->lock);
	return e;
}

struct cache_entry *cache_put(struct cache *c, const struct cache_key *key,
			      char *data, size_t size)
{
	struct cache_entry *e, *fresh;

	/* Allocate outside the lock; most puts follow a miss and insert. */
	fresh = calloc(1, sizeof(*fresh));
	if (!fresh) {
		free(data);
		return NULL;
	}
	fresh->key = *key;
	fresh->size = size;
	fresh->data = data;
	fresh->refs = 1;

	pthread_mutex_lock(&c->lock);
	e = map_find(c, key);
	if (e) {
		e->refs++;
		lru_unlink(c, e);
		lru_push_head(c, e);
	} else {
		map_insert(c, fresh);
		cache_trim(c);
	}
	pthread_mutex_unlock(&c->lock);

	if (e) {
		entry_free(fresh);
		return e;
	}
	return fresh;
}

struct cache_entry *cache_ref(struct cache *c, struct cache_entry *e)
{
	pthread_mutex_lock(&c->lock);
	e->refs++;
	pthread_mutex_unlock(&c->lock);
	return e;
}

void cache_release(struct cache *c, struct cache_entry *e)
{
	bool dead = false;

	if (!e)
		return;
	pthread_mutex_lock(&c->lock);
	assert(e->refs > 0);
	if (--e->refs == 0) {
		if (e->in_map)
			cache_trim(c);
		else
			dead = true;
	}
	pthread_mutex_unlock(&c->lock);
	if (dead)
		entry_free(e);
}

void cache_retire(struct cache *c, struct cache_entry *e)
{
	bool dead = false;

	if (!e)
		return;
	pthread_mutex_lock(&c->lock);
	assert(e->refs > 0);
	if (--e->refs == 0) {
		if (e->in_map) {
			map_remove(c, e);
			c->evictions++;
		}
		dead = true;
	}
	pthread_mutex_unlock(&c->lock);
	if (dead)
		entry_free(e);
}

void cache_get_stats(struct cache *c, struct cache_stats *st)
{
	pthread_mutex_lock(&c->lock);
	st->entries = c->entries;
	st->bytes = c->bytes;
	st->limit = c->limit;
	st->hits = c->hits;
	st->misses = c->misses;
	st->evictions = c->evictions;
	pthread_mutex_unlock(&c->lock);
}
