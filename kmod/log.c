// SPDX-License-Identifier: GPL-2.0
/*
 * The measurement log: banks and hashing, the append-only record list, the
 * platform register extend, violations.
 *
 * Invariants (cima_log_mutex):
 *  - records 0 .. cima_count-1 are in cima_log and immutable; the platform
 *    register has been extended with exactly their digests, in index order;
 *  - a container's first_record is its first record's index + 1 (0: it
 *    has none yet); its virtual register is folded from its records when
 *    read (cima_vreg_show), so an event costs no hashing for it;
 *  - cima_count is written with release semantics after the record is
 *    stored and extended, so lock-free readers (seq_file) that load it with
 *    acquire semantics see only complete, extended records.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <linux/mutex.h>
#include <linux/lockdep.h>
#include <linux/atomic.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/wait.h>
#include <crypto/hash.h>

#include <uapi/cima.h>

#include "backend.h"
#include "container.h"
#include "evbuf.h"
#include "fault.h"
#include "log.h"

bool cima_allow_unload;
module_param_named(allow_unload, cima_allow_unload, bool, 0444);
MODULE_PARM_DESC(allow_unload, "TEST ONLY: allow rmmod after a hardware register was extended");

static DEFINE_MUTEX(cima_log_mutex);
static DEFINE_XARRAY(cima_log);
static unsigned long cima_count;
static cima_regs_t cima_scratch;		/* under cima_log_mutex */
static bool cima_pinned;			/* under cima_log_mutex */
static atomic_long_t cima_nviolations = ATOMIC_LONG_INIT(0);
static atomic_long_t cima_nlost = ATOMIC_LONG_INIT(0);

/* One digest per bank of data into dst (entry layout). */
static int cima_hash_event(const char *data, size_t len, u8 *dst)
{
	const struct cima_bank *s = &cima_bank[cima_strongest];
	unsigned int i;
	int ret;

	ret = cima_hash_buf(cima_strongest, data, len, dst + s->off);
	if (ret)
		return ret;
	for (i = 0; i < cima_nbanks; i++) {
		const struct cima_bank *b = &cima_bank[i];

		if (i == cima_strongest)
			continue;
		if (b->tfm) {
			ret = cima_hash_buf(i, data, len, dst + b->off);
			if (ret)
				return ret;
		} else {
			/* No hash for this bank: strongest, cut or padded. */
			memset(dst + b->off, 0, b->size);
			memcpy(dst + b->off, dst + s->off, min(b->size, s->size));
		}
	}
	return 0;
}

static void cima_vreg_extend(struct cima_container *c, const u8 *digests)
{
	u8 tmp[2 * CIMA_MAX_DIGEST];
	unsigned int i;

	lockdep_assert_held(&c->vreg_lock);
	for (i = 0; i < cima_nbanks; i++) {
		const struct cima_bank *b = &cima_bank[i];

		if (!b->tfm)
			continue;	/* documented: stays zero */
		memcpy(tmp, (*c->vreg)[i], b->size);
		memcpy(tmp + b->size, digests + b->off, b->size);
		if (cima_hash_buf(i, tmp, 2 * b->size, (*c->vreg)[i]))
			atomic_long_inc(&cima_nviolations);
	}
}

/*
 * Hardware register I/O runs in a kernel worker, never in the caller's
 * context: the TPM driver waits interruptibly for the chip, so a signal
 * pending on the caller (a SIGCHLD on a shell, say) could make
 * tpm_pcr_extend() fail after the TPM executed the command - the PCR
 * would then hold an extend the log does not have.  Workers take no
 * signals.  The caller waits uninterruptibly for the result.  The worker
 * runs on the module's own workqueue, which exit destroys: that waits for
 * cima_hw_fn() to return, so no worker is still in module code after
 * complete() when the module is freed.
 */
static struct workqueue_struct *cima_hw_wq;

struct cima_hw_call {
	struct work_struct work;
	struct completion done;
	bool read;
	cima_regs_t *regs;
	int ret;
};

/* The extend, with the fault injection of the read-back's tests. */
static int cima_hw_extend(const cima_regs_t regs)
{
	int ret;

	if (cima_should_fail(CIMA_FAIL_EXTEND))
		return -EIO;
	ret = cima_backend->extend(regs);
	if (!ret && cima_should_fail(CIMA_FAIL_EXTEND_LOST))
		ret = -ETIME;
	return ret;
}

static void cima_hw_fn(struct work_struct *work)
{
	struct cima_hw_call *call = container_of(work, struct cima_hw_call,
						 work);

	call->ret = call->read ? cima_backend->read(*call->regs) :
				 cima_hw_extend(*call->regs);
	complete(&call->done);
}

static int cima_hw(bool read, cima_regs_t regs)
{
	struct cima_hw_call call;

	if (!cima_backend->hardware)
		return read ? cima_backend->read(regs) :
			      cima_backend->extend(regs);
	INIT_WORK_ONSTACK(&call.work, cima_hw_fn);
	init_completion(&call.done);
	call.read = read;
	call.regs = (cima_regs_t *)regs;
	queue_work(cima_hw_wq, &call.work);
	wait_for_completion(&call.done);
	destroy_work_on_stack(&call.work);
	return call.ret;
}

/*
 * What the hardware register should hold: read once at init, then
 * extended in software with every record.  Consulted only when an extend
 * reports an error.  Under cima_log_mutex.
 */
static cima_regs_t cima_expect;
static bool cima_expect_valid;

static void cima_regs_extend(cima_regs_t regs, const cima_regs_t d)
{
	u8 tmp[2 * CIMA_MAX_DIGEST];
	unsigned int i;

	for (i = 0; i < cima_nbanks; i++) {
		const struct cima_bank *b = &cima_bank[i];

		if (!b->tfm)
			continue;
		memcpy(tmp, regs[i], b->size);
		memcpy(tmp + b->size, d[i], b->size);
		if (cima_hash_buf(i, tmp, 2 * b->size, regs[i]))
			cima_expect_valid = false;
	}
}

static bool cima_regs_equal(const cima_regs_t a, const cima_regs_t b)
{
	unsigned int i;

	for (i = 0; i < cima_nbanks; i++)
		if (cima_bank[i].tfm && memcmp(a[i], b[i], cima_bank[i].size))
			return false;
	return true;
}

/*
 * Extend the platform register with one record's digests.  A hardware
 * extend that reports an error may still have been carried out (the chip
 * ran the command and the answer was lost): read the register back and
 * settle by its value, so that the log and the register never disagree.
 */
static int cima_extend_locked(const cima_regs_t d)
{
	cima_regs_t *now;
	int ret;

	lockdep_assert_held(&cima_log_mutex);
	ret = cima_hw(false, (u8 (*)[CIMA_MAX_DIGEST])d);
	if (!cima_backend->hardware)
		return ret;
	if (!ret) {
		cima_regs_extend(cima_expect, d);
		return 0;
	}
	now = kzalloc(sizeof(*now), GFP_KERNEL);
	if (!now || !cima_expect_valid || cima_hw(true, *now)) {
		kfree(now);
		return ret;
	}
	cima_regs_extend(cima_expect, d);
	if (cima_regs_equal(*now, cima_expect)) {
		pr_warn_ratelimited("extend reported %d but was done\n", ret);
		ret = 0;
	} else {
		memcpy(cima_expect, *now, sizeof(cima_expect));
	}
	kfree(now);
	return ret;
}

static int cima_append_locked(struct cima_container *c, struct cima_entry *e)
{
	unsigned long idx = cima_count;
	unsigned int i;
	int ret;

	lockdep_assert_held(&cima_log_mutex);
	ret = xa_insert(&cima_log, idx, e, GFP_KERNEL);
	if (ret)
		return ret;
	for (i = 0; i < cima_nbanks; i++)
		memcpy(cima_scratch[i], e->buf + cima_bank[i].off,
		       cima_bank[i].size);
	ret = cima_extend_locked(cima_scratch);
	if (ret) {
		xa_erase(&cima_log, idx);
		return ret;
	}
	if (cima_backend->hardware && !cima_allow_unload && !cima_pinned) {
		/* The register now holds our events: refuse rmmod. */
		__module_get(THIS_MODULE);
		cima_pinned = true;
	}
	if (c) {
		/* Read after the release below (cima_vreg_show). */
		if (!c->first_record)
			WRITE_ONCE(c->first_record, idx + 1);
		atomic_inc(&c->nevents);
	}
	smp_store_release(&cima_count, idx + 1);
	return 0;
}

static struct cima_entry *cima_entry_build(struct cima_container *c,
					   const char *data, size_t len)
{
	struct cima_entry *e;

	if (len > CIMA_EVENT_DATA_MAX)
		return ERR_PTR(-E2BIG);
	e = kmalloc(struct_size(e, buf, cima_digests_size + len),
		    GFP_KERNEL_ACCOUNT);
	if (!e)
		return ERR_PTR(-ENOMEM);
	e->owner = c ? c->serial : 0;
	e->len = len;
	memcpy(e->buf + cima_digests_size, data, len);
	if (cima_hash_event(data, len, e->buf)) {
		kfree(e);
		return ERR_PTR(-EIO);
	}
	return e;
}

/* Record the events that could not be appended, if any (lock held). */
static void cima_flush_lost_locked(struct cima_container *c)
{
	atomic_long_t *counter = c ? &c->nlost : &cima_nlost;
	struct cima_entry *e;
	char data[CIMA_ID_MAX + 96];
	long n;
	int len;

	lockdep_assert_held(&cima_log_mutex);
	/* Most often none: a plain read, no atomic exchange. */
	if (!atomic_long_read(counter))
		return;
	n = atomic_long_xchg(counter, 0);
	if (!n)
		return;
	len = scnprintf(data, sizeof(data),
			CIMA_DATA_TAG " " CIMA_KIND_VIOLATION
			" id=%s what=" CIMA_WHAT_LOST " err=%d count=%ld",
			c ? c->id : "-", ENOMEM, n);
	e = cima_entry_build(c, data, len);
	if (!IS_ERR(e) && !cima_append_locked(c, e))
		return;
	if (!IS_ERR(e))
		kfree(e);
	atomic_long_add(n, counter);
}

static int cima_log_add(struct cima_container *c, const char *data,
			size_t len)
{
	struct cima_entry *e;
	int ret;

	e = cima_entry_build(c, data, len);
	if (IS_ERR(e)) {
		atomic_long_inc(c ? &c->nlost : &cima_nlost);
		return PTR_ERR(e);
	}
	mutex_lock(&cima_log_mutex);
	cima_flush_lost_locked(NULL);
	if (c)
		cima_flush_lost_locked(c);
	ret = cima_append_locked(c, e);
	mutex_unlock(&cima_log_mutex);
	if (ret) {
		kfree(e);
		atomic_long_inc(c ? &c->nlost : &cima_nlost);
		pr_err_ratelimited("cannot append event: %d\n", ret);
	}
	return ret;
}

/*
 * Append one event.  On failure the event is counted as a violation and as
 * lost (recorded by the next successful append) and the error returned.
 */
int cima_log_append(struct cima_container *c, const char *data, size_t len)
{
	int ret = cima_log_add(c, data, len);

	if (ret)
		atomic_long_inc(&cima_nviolations);
	return ret;
}

/*
 * Stops are measured from a workqueue, after rmdir returned, in the order
 * they were queued.  A reader of the log waits for the stops queued before
 * it started (not for every stop: under container churn there is always
 * one more), so that a stop is in every read that begins after its rmdir
 * returned.
 */
static atomic64_t cima_stops_queued = ATOMIC64_INIT(0);
static atomic64_t cima_stops_done = ATOMIC64_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(cima_stops_wq);

void cima_log_stop_queued(void)
{
	atomic64_inc(&cima_stops_queued);
}

void cima_log_stop_done(void)
{
	atomic64_inc_return_release(&cima_stops_done);	/* after the record */
	if (wq_has_sleeper(&cima_stops_wq))
		wake_up_all(&cima_stops_wq);
}

int cima_log_settle(void)
{
	s64 target = atomic64_read(&cima_stops_queued);

	return wait_event_killable(cima_stops_wq,
			atomic64_read_acquire(&cima_stops_done) >= target);
}

/* A violation that is not logged again (a repeat) still counts. */
void cima_violation_count(void)
{
	atomic_long_inc(&cima_nviolations);
}

/*
 * Count a failed measurement and record it in the log, once per
 * container, what, error and path (repeats are only counted).  @killed:
 * the task the event is about is killed for it (policy "fail closed").
 */
void cima_log_violation(struct cima_container *c, const char *what, int err,
			const char *path, bool killed)
{
	struct cima_buf b;

	atomic_long_inc(&cima_nviolations);
	if (err < 0)
		err = -err;
	if (c && !killed && cima_seen_violation(c, what, err, path))
		return;
	if (!cima_buf_alloc(&b, GFP_KERNEL_ACCOUNT)) {
		atomic_long_inc(c ? &c->nlost : &cima_nlost);
		return;
	}
	cima_buf_printf(&b, CIMA_DATA_TAG " " CIMA_KIND_VIOLATION " id=%s",
			c ? c->id : "-");
	cima_buf_printf(&b, " what=%s err=%d", what, err);
	if (path) {
		cima_buf_puts(&b, " path=");
		cima_buf_escape(&b, path, strlen(path));
	}
	if (killed)
		cima_buf_puts(&b, " action=" CIMA_ACTION_KILL);
	if (b.overflow)		/* only a huge path can do this: drop it */
		b.len = scnprintf(b.p, b.cap, CIMA_DATA_TAG " "
				  CIMA_KIND_VIOLATION " id=%s what=%s err=%d%s",
				  c ? c->id : "-", what, err,
				  killed ? " action=" CIMA_ACTION_KILL : "");
	cima_log_add(c, b.p, b.len);
	kfree(b.p);
}

/*
 * An event of @c (NULL: of no container) was lost before it could be
 * built; the next event logged for it records the count.  Any context.
 */
void cima_lost(struct cima_container *c)
{
	atomic_long_inc(&cima_nviolations);
	atomic_long_inc(c ? &c->nlost : &cima_nlost);
}

unsigned long cima_log_count(void)
{
	return smp_load_acquire(&cima_count);
}

struct cima_entry *cima_log_get(unsigned long idx)
{
	if (idx >= cima_log_count())
		return NULL;
	return xa_load(&cima_log, idx);
}

long cima_violations(void)
{
	return atomic_long_read(&cima_nviolations);
}

static void cima_show_regs(struct seq_file *m, cima_regs_t regs)
{
	unsigned int i;

	for (i = 0; i < cima_nbanks; i++) {
		seq_printf(m, "%s ", cima_bank[i].name ? cima_bank[i].name :
			   "unknown");
		cima_put_hex(m, regs[i], cima_bank[i].size);
		seq_putc(m, '\n');
	}
}

int cima_log_snapshot(struct seq_file *m)
{
	cima_regs_t *regs;
	unsigned long n;
	int ret;

	regs = kzalloc(sizeof(*regs), GFP_KERNEL);
	if (!regs)
		return -ENOMEM;
	mutex_lock(&cima_log_mutex);
	n = cima_count;
	ret = cima_hw(true, *regs);
	mutex_unlock(&cima_log_mutex);
	if (!ret) {
		seq_printf(m, "version %d\ncount %lu\n", CIMA_SNAPSHOT_VERSION,
			   n);
		cima_show_regs(m, *regs);
	}
	kfree(regs);
	return ret;
}

int cima_register_show(struct seq_file *m)
{
	cima_regs_t *regs;
	int ret;

	regs = kzalloc(sizeof(*regs), GFP_KERNEL);
	if (!regs)
		return -ENOMEM;
	mutex_lock(&cima_log_mutex);
	ret = cima_hw(true, *regs);
	mutex_unlock(&cima_log_mutex);
	if (!ret) {
		seq_printf(m, "backend %s\nindex %u\n", cima_backend->name,
			   cima_index);
		cima_show_regs(m, *regs);
	}
	kfree(regs);
	return ret;
}

/*
 * A container's virtual register: its own records' digests, extended in
 * log order, folded in here from the records logged since the last read
 * (from its first record at the first read).  Records below the count are
 * immutable, so this needs no log mutex and never holds up an event; a
 * read costs the records logged since the previous one, and hashing for
 * the container's own.
 */
int cima_vreg_show(struct seq_file *m, struct cima_container *c)
{
	unsigned long idx, n, first;
	cima_regs_t *regs;

	regs = kmalloc(sizeof(*regs), GFP_KERNEL);
	if (!regs)
		return -ENOMEM;
	mutex_lock(&c->vreg_lock);
	if (!c->vreg) {
		c->vreg = kzalloc(sizeof(*c->vreg), GFP_KERNEL_ACCOUNT);
		if (!c->vreg) {
			mutex_unlock(&c->vreg_lock);
			kfree(regs);
			return -ENOMEM;
		}
	}
	n = cima_log_count();
	first = READ_ONCE(c->first_record);
	idx = first ? max(c->vreg_next, first - 1) : n;
	for (; idx < n; idx++) {
		struct cima_entry *e = xa_load(&cima_log, idx);

		if (e->owner == c->serial)
			cima_vreg_extend(c, e->buf);
		if (!(idx % 1024))
			cond_resched();
	}
	c->vreg_next = n;
	memcpy(*regs, *c->vreg, sizeof(*regs));
	mutex_unlock(&c->vreg_lock);
	cima_show_regs(m, *regs);
	kfree(regs);
	return 0;
}

int cima_log_init(void)
{
	if (!cima_backend->hardware)
		return 0;
	cima_hw_wq = alloc_workqueue("cima_hw", WQ_UNBOUND, 1);
	if (!cima_hw_wq)
		return -ENOMEM;
	mutex_lock(&cima_log_mutex);
	cima_expect_valid = !cima_hw(true, cima_expect);
	mutex_unlock(&cima_log_mutex);
	return 0;
}

void cima_log_exit(void)
{
	struct cima_entry *e;
	unsigned long idx;

	if (cima_hw_wq)
		destroy_workqueue(cima_hw_wq);
	cima_hw_wq = NULL;
	xa_for_each(&cima_log, idx, e)
		kfree(e);
	xa_destroy(&cima_log);
	cima_count = 0;
}
