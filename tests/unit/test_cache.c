/*
 * test_cache.c - the rendered-bytes cache.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aiwgfs/cache.h"
#include "check.h"

#define STRESS_THREADS 4
#define STRESS_ROUNDS  20000
#define STRESS_KEYS    48
#define STRESS_HELD    4

static struct cache_key key_of(uint64_t n)
{
	struct cache_key k = { .lo = n, .hi = n * 0x9e3779b97f4a7c15ULL };

	return k;
}

/* Bytes for key n: a length and content that depend only on n. */
static size_t data_size(uint64_t n)
{
	return 1 + (size_t)(n % 13) * 17;
}

static char data_byte(uint64_t n, size_t i)
{
	return (char)('a' + (n + i) % 26);
}

static char *data_make(uint64_t n, size_t *size)
{
	size_t i, len = data_size(n);
	char *p = malloc(len + 1);

	*size = 0;
	if (!p)
		return NULL;
	for (i = 0; i < len; i++)
		p[i] = data_byte(n, i);
	p[len] = '\0';
	*size = len;
	return p;
}

static char *dup_str(const char *s)
{
	size_t len = strlen(s);
	char *p = malloc(len + 1);

	if (p)
		memcpy(p, s, len + 1);
	return p;
}

static struct cache_entry *put_str(struct cache *c, uint64_t n, const char *s)
{
	struct cache_key k = key_of(n);

	return cache_put(c, &k, dup_str(s), strlen(s));
}

static struct cache_entry *get_n(struct cache *c, uint64_t n)
{
	struct cache_key k = key_of(n);

	return cache_get(c, &k);
}

static bool data_ok(const struct cache_entry *e, uint64_t n)
{
	size_t i;

	if (e->key.lo != n || e->size != data_size(n) || e->data[e->size])
		return false;
	for (i = 0; i < e->size; i++) {
		if (e->data[i] != data_byte(n, i))
			return false;
	}
	return true;
}

static void test_put_get(void)
{
	struct cache *c = cache_new(0);
	struct cache_entry *e, *g;
	struct cache_stats st;

	CHECK(c != NULL);
	CHECK(get_n(c, 1) == NULL);
	e = put_str(c, 1, "hello");
	CHECK(e != NULL);
	CHECK_STR(e->data, "hello");
	CHECK(e->size == 5);
	g = get_n(c, 1);
	CHECK(g == e);
	CHECK(get_n(c, 2) == NULL);
	cache_release(c, g);
	cache_release(c, e);

	/* Unreferenced and unbounded: still there. */
	g = get_n(c, 1);
	CHECK(g == e);
	CHECK_STR(g->data, "hello");
	cache_release(c, g);

	cache_get_stats(c, &st);
	CHECK(st.entries == 1);
	CHECK(st.bytes == 5);
	CHECK(st.limit == 0);
	CHECK(st.hits == 2);
	CHECK(st.misses == 2);
	CHECK(st.evictions == 0);
	cache_free(c);
}

static void test_keys_differ_in_hi(void)
{
	struct cache *c = cache_new(0);
	struct cache_key a = { .lo = 7, .hi = 1 }, b = { .lo = 7, .hi = 2 };
	struct cache_entry *ea, *eb, *g;

	ea = cache_put(c, &a, dup_str("a"), 1);
	eb = cache_put(c, &b, dup_str("b"), 1);
	CHECK(ea != eb);
	g = cache_get(c, &b);
	CHECK(g == eb);
	CHECK_STR(g->data, "b");
	cache_release(c, g);
	g = cache_get(c, &a);
	CHECK(g == ea);
	cache_release(c, g);
	cache_release(c, ea);
	cache_release(c, eb);
	cache_free(c);
}

static void test_sharing(void)
{
	struct cache *c = cache_new(0);
	struct cache_entry *a, *b;
	struct cache_stats st;

	a = put_str(c, 3, "first");
	/* The second copy is freed by the cache; ASan reports a leak if not. */
	b = put_str(c, 3, "second");
	CHECK(a == b);
	CHECK_STR(b->data, "first");
	cache_release(c, a);
	cache_release(c, b);
	cache_get_stats(c, &st);
	CHECK(st.entries == 1);
	CHECK(st.bytes == 5);
	cache_free(c);
}

static void test_lru_order(void)
{
	struct cache *c = cache_new(30);
	struct cache_entry *e;
	struct cache_stats st;
	uint64_t n;

	/* Three 10-byte entries fill the bound exactly. */
	for (n = 1; n <= 3; n++)
		cache_release(c, put_str(c, n, "0123456789"));
	cache_get_stats(c, &st);
	CHECK(st.entries == 3);
	CHECK(st.bytes == 30);
	CHECK(st.evictions == 0);

	/* Touch 1, so 2 is now the least recently used. */
	cache_release(c, get_n(c, 1));
	cache_release(c, put_str(c, 4, "0123456789"));
	CHECK((e = get_n(c, 2)) == NULL);
	CHECK((e = get_n(c, 1)) != NULL);
	cache_release(c, e);
	CHECK((e = get_n(c, 3)) != NULL);
	cache_release(c, e);

	/* Now 4 is oldest; a 20-byte entry pushes out 4 and then 1. */
	cache_release(c, put_str(c, 5, "01234567890123456789"));
	CHECK(get_n(c, 4) == NULL);
	CHECK(get_n(c, 1) == NULL);
	CHECK((e = get_n(c, 3)) != NULL);
	cache_release(c, e);
	CHECK((e = get_n(c, 5)) != NULL);
	cache_release(c, e);

	cache_get_stats(c, &st);
	CHECK(st.entries == 2);
	CHECK(st.bytes == 30);
	CHECK(st.limit == 30);
	CHECK(st.evictions == 3);
	cache_free(c);
}

/* Referenced entries are never evicted, however old they are. */
static void test_referenced_survive(void)
{
	struct cache *c = cache_new(20);
	struct cache_entry *held, *e;
	struct cache_stats st;

	held = put_str(c, 1, "0123456789");
	cache_release(c, put_str(c, 2, "abcdefghij"));
	/* 1 is the oldest, but held: 2 goes instead. */
	cache_release(c, put_str(c, 3, "klmnopqrst"));
	CHECK(get_n(c, 2) == NULL);
	cache_release(c, put_str(c, 4, "uvwxyz0123"));
	CHECK(get_n(c, 3) == NULL);
	CHECK_STR(held->data, "0123456789");
	e = get_n(c, 1);
	CHECK(e == held);
	cache_release(c, e);

	/* Released, 1 is now the most recently used: 4 is next to go. */
	cache_release(c, held);
	cache_release(c, put_str(c, 5, "4567890123"));
	CHECK(get_n(c, 4) == NULL);
	CHECK((e = get_n(c, 1)) != NULL);
	CHECK_STR(e->data, "0123456789");
	cache_release(c, e);

	cache_get_stats(c, &st);
	CHECK(st.entries == 2);
	CHECK(st.bytes == 20);
	CHECK(st.evictions == 3);
	cache_free(c);
}

/* Held entries may push the total past the bound until they are released. */
static void test_over_bound(void)
{
	struct cache *c = cache_new(10);
	struct cache_entry *a, *b, *big;
	struct cache_stats st;

	a = put_str(c, 1, "aaaaaaaaaa");
	b = put_str(c, 2, "bbbbbbbbbb");
	big = put_str(c, 3, "cccccccccccccccccccc");
	cache_get_stats(c, &st);
	CHECK(st.entries == 3);
	CHECK(st.bytes == 40);
	CHECK(st.evictions == 0);
	CHECK_STR(a->data, "aaaaaaaaaa");
	CHECK_STR(b->data, "bbbbbbbbbb");
	CHECK_STR(big->data, "cccccccccccccccccccc");

	/* Each release evicts what it can, oldest first. */
	cache_release(c, b);
	cache_get_stats(c, &st);
	CHECK(st.entries == 2);
	CHECK(st.bytes == 30);
	CHECK(get_n(c, 2) == NULL);

	cache_release(c, a);
	cache_get_stats(c, &st);
	CHECK(st.entries == 1);
	CHECK(st.bytes == 20);

	/* An entry larger than the bound goes as soon as it is released. */
	CHECK_STR(big->data, "cccccccccccccccccccc");
	cache_release(c, big);
	cache_get_stats(c, &st);
	CHECK(st.entries == 0);
	CHECK(st.bytes == 0);
	CHECK(st.evictions == 3);
	cache_free(c);
}

/* A put under a held key shares the entry even when the cache is full. */
static void test_share_held(void)
{
	struct cache *c = cache_new(10);
	struct cache_entry *b, *again;
	struct cache_stats st;

	cache_release(c, put_str(c, 1, "aaaaaaaaaa"));
	b = put_str(c, 2, "bbbbbbbbbb"); /* evicts 1, which is unreferenced */
	CHECK(get_n(c, 1) == NULL);
	again = put_str(c, 2, "zzzzzzzzzz");
	CHECK(again == b);
	cache_release(c, again);
	CHECK_STR(b->data, "bbbbbbbbbb");
	cache_release(c, b);
	cache_get_stats(c, &st);
	CHECK(st.entries == 1);
	CHECK(st.bytes == 10);
	CHECK(st.evictions == 1);
	cache_free(c);
}

/* Enough entries to resize the table several times, all still found. */
static void test_many(void)
{
	struct cache *c = cache_new(0);
	struct cache_entry *e;
	struct cache_stats st;
	size_t size, expect = 0;
	uint64_t n;
	int bad = 0;

	for (n = 0; n < 5000; n++) {
		struct cache_key k = key_of(n);
		char *data = data_make(n, &size);

		e = cache_put(c, &k, data, size);
		if (!e)
			bad++;
		else
			cache_release(c, e);
		expect += size;
	}
	for (n = 0; n < 5000; n++) {
		struct cache_key k = key_of(n);

		e = cache_get(c, &k);
		if (!e || e->size != data_size(n) ||
		    e->data[0] != data_byte(n, 0))
			bad++;
		if (e)
			cache_release(c, e);
	}
	CHECK(bad == 0);
	cache_get_stats(c, &st);
	CHECK(st.entries == 5000);
	CHECK(st.bytes == expect);
	CHECK(st.hits == 5000);
	CHECK(st.misses == 0);
	cache_free(c);
}

struct stress_arg {
	struct cache *c;
	uint64_t seed;
	unsigned long bad;
};

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static struct cache_entry *stress_take(struct cache *c, uint64_t n)
{
	struct cache_key k = key_of(n);
	struct cache_entry *e;
	size_t size;
	char *data;

	e = cache_get(c, &k);
	if (e)
		return e;
	data = data_make(n, &size);
	if (!data)
		return NULL;
	return cache_put(c, &k, data, size);
}

static void *stress_thread(void *p)
{
	struct stress_arg *arg = p;
	struct cache_entry *held[STRESS_HELD] = { NULL };
	uint64_t held_key[STRESS_HELD] = { 0 };
	uint64_t n, r;
	unsigned slot;
	int i;

	for (i = 0; i < STRESS_ROUNDS; i++) {
		r = rng_next(&arg->seed);
		n = r % STRESS_KEYS;
		slot = (unsigned)(r >> 32) % STRESS_HELD;
		if (held[slot]) {
			if (!data_ok(held[slot], held_key[slot]))
				arg->bad++;
			cache_release(arg->c, held[slot]);
		}
		held[slot] = stress_take(arg->c, n);
		held_key[slot] = n;
		if (!held[slot] || !data_ok(held[slot], n))
			arg->bad++;
	}
	for (slot = 0; slot < STRESS_HELD; slot++) {
		if (!held[slot])
			continue;
		if (!data_ok(held[slot], held_key[slot]))
			arg->bad++;
		cache_release(arg->c, held[slot]);
	}
	return NULL;
}

static void test_stress(void)
{
	struct cache *c = cache_new(600);
	struct stress_arg args[STRESS_THREADS];
	pthread_t tid[STRESS_THREADS];
	struct cache_stats st;
	int i, started = 0;

	for (i = 0; i < STRESS_THREADS; i++) {
		args[i].c = c;
		args[i].seed = 0x2545f4914f6cdd1dULL * (uint64_t)(i + 1);
		args[i].bad = 0;
		if (pthread_create(&tid[i], NULL, stress_thread, &args[i]))
			break;
		started++;
	}
	CHECK(started == STRESS_THREADS);
	for (i = 0; i < started; i++) {
		pthread_join(tid[i], NULL);
		CHECK(args[i].bad == 0);
	}

	cache_get_stats(c, &st);
	CHECK(st.bytes <= st.limit);
	CHECK(st.evictions > 0);
	CHECK(st.hits > 0);
	CHECK(st.misses > 0);
	CHECK(st.hits + st.misses == (uint64_t)STRESS_THREADS * STRESS_ROUNDS);
	cache_free(c);
}

int main(void)
{
	test_put_get();
	test_keys_differ_in_hi();
	test_sharing();
	test_lru_order();
	test_referenced_survive();
	test_over_bound();
	test_share_held();
	test_many();
	test_stress();
	return check_done();
}
