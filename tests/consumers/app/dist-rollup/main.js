/**
 * The one error type for bad input. Its message names the function, the argument, what was
 * expected and the value seen, e.g.
 * `softmaxCrossEntropy: labels[3] = 12 is outside [0, 10)`.
 */
class SoftmaxInputError extends Error {
    /** The argument at fault, e.g. `"labels"` or `"options.reg"`. */
    argument;
    constructor(message, argument = '') {
        super(message);
        this.name = 'SoftmaxInputError';
        this.argument = argument;
    }
}

/**
 * Input validation for every public function. Each check throws SoftmaxInputError with the
 * function, the argument, what was expected and the value seen. Nothing here allocates WASM memory
 * or touches an output, so a failed call changes nothing.
 */
/** The most elements a dimension product may have (typed arrays and the 4 GiB WASM space are smaller anyway). */
const MAX_DIM = 2 ** 31 - 1;
/** Short description of any value for error messages: `Float32Array(6)`, `Array(3)`, `"abc"`, `1.5`. */
function describe(v) {
    if (v === null)
        return 'null';
    if (v === undefined)
        return 'undefined';
    if (typeof v === 'string')
        return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
        return String(v);
    if (typeof v === 'function')
        return 'a function';
    if (Array.isArray(v))
        return `Array(${v.length})`;
    const name = typedArrayName(v);
    if (name !== undefined) {
        return isDetached(BUFFER.call(v)) ? `${name} (detached buffer)` : `${name}(${LENGTH.call(v)})`;
    }
    if (v instanceof DataView)
        return `DataView(${v.byteLength} bytes)`;
    if (typeof v === 'object') {
        const o = v;
        if ('data' in o || 'rows' in o)
            return `{ data: ${describe(o.data)}, rows: ${describe(o.rows)}, cols: ${describe(o.cols)} }`;
        const ctor = v.constructor?.name;
        return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
    }
    return typeof v;
}
/** True when the buffer was transferred/detached (reading a detached buffer's view throws or sees 0 bytes). */
function isDetached(buf) {
    const flag = buf.detached;
    if (typeof flag === 'boolean')
        return flag;
    if (buf.byteLength !== 0)
        return false;
    try {
        new Uint8Array(buf);
        return false;
    }
    catch {
        return true;
    }
}
// The %TypedArray%.prototype getters, read once at load: they work on typed arrays of any realm and
// cannot be overridden by a subclass or faked by a plain object, unlike `v.length` or `v instanceof`.
const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype);
function intrinsicGetter(key) {
    return Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTO, key).get;
}
const TAG = intrinsicGetter(Symbol.toStringTag);
const BUFFER = intrinsicGetter('buffer');
const BYTE_OFFSET = intrinsicGetter('byteOffset');
const LENGTH = intrinsicGetter('length');
/** The typed array's kind ('Float32Array', ...) from its internal slot, or undefined for anything else. */
function typedArrayName(v) {
    return typeof v === 'object' && v !== null ? TAG.call(v) : undefined;
}
/** 'f32' / 'f64' for Float32Array / Float64Array (also from another realm), else null. */
function dtypeOf(v) {
    const name = typedArrayName(v);
    if (name === 'Float32Array')
        return 'f32';
    if (name === 'Float64Array')
        return 'f64';
    return null;
}
function isInt32Array(v) {
    return typedArrayName(v) === 'Int32Array';
}
/**
 * A fresh view of this realm's Float32Array/Float64Array/Int32Array over exactly the memory of `v`
 * (same buffer, offset and length, read through the intrinsic getters). Writing to it writes to `v`.
 * The library computes on these views, so an array from another realm, a subclass with overridden
 * accessors or a length-tracking view cannot change what was validated. `v` must not be detached.
 */
function canonicalView(v) {
    const C = typedArrayCtor(v);
    return new C(BUFFER.call(v), BYTE_OFFSET.call(v), LENGTH.call(v));
}
/** This realm's constructor for a Float32Array, Float64Array or Int32Array of any realm. */
function typedArrayCtor(v) {
    const name = typedArrayName(v);
    if (name === 'Float32Array')
        return Float32Array;
    if (name === 'Float64Array')
        return Float64Array;
    if (name === 'Int32Array')
        return Int32Array;
    throw new TypeError(`softmax-wasm internal error: ${String(name)} is not a Float32/Float64/Int32 array`);
}
function fail(fn, arg, message) {
    throw new SoftmaxInputError(`${fn}: ${arg} ${message}`, arg);
}
function checkSize(fn, arg, v) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_DIM) {
        fail(fn, arg, `must be a non-negative integer, got ${describe(v)}`);
    }
    return v;
}
function checkNotDetached(fn, arg, a) {
    if (isDetached(BUFFER.call(a)))
        fail(fn, arg, 'is backed by a detached ArrayBuffer (it was transferred); pass a live array');
}
/** A Float32Array/Float64Array of any view kind; returns its dtype. */
function checkFloatArray(fn, arg, v, dtype, length) {
    const dt = dtypeOf(v);
    if (dt === null) {
        const want = dtype === 'f64' ? 'a Float64Array' : dtype === 'f32' ? 'a Float32Array' : 'a Float32Array or Float64Array';
        fail(fn, arg, `must be ${want}${length !== undefined ? ` of length ${length}` : ''}, got ${describe(v)}`);
    }
    const a = v;
    checkNotDetached(fn, arg, a);
    if (dtype !== undefined && dt !== dtype) {
        fail(fn, arg, `must be a ${dtype === 'f32' ? 'Float32Array' : 'Float64Array'} like the other inputs of this call (all share one float type), got ${describe(v)}`);
    }
    const n = LENGTH.call(a);
    if (length !== undefined && n !== length)
        fail(fn, arg, `must have length ${length}, got length ${n}`);
    return dt;
}
/** checkFloatArray, returning the array as a canonical view (see canonicalView) to compute on. */
function floatArg(fn, arg, v, dtype, length) {
    checkFloatArray(fn, arg, v, dtype, length);
    return canonicalView(v);
}
/**
 * A Matrix-shaped object: `{ data: Float32Array | Float64Array, rows, cols }` with
 * data.length === rows·cols. Optional expected dtype and shape (null = any). Returns a snapshot
 * `{ data, rows, cols }`: each property of `m` is read once, and `data` is a canonical view, so what
 * was checked is what the kernels see even if `m` has getters that change their answer.
 */
function matrixArg(fn, arg, m, dtype, rows = null, cols = null) {
    if (m === null || typeof m !== 'object' || ArrayBuffer.isView(m) || Array.isArray(m)) {
        fail(fn, arg, `must be a matrix { data: Float32Array | Float64Array, rows, cols } (see matrix()), got ${describe(m)}`);
    }
    const mm = m;
    const data = mm.data, r0 = mm.rows, c0 = mm.cols;
    const r = checkSize(fn, `${arg}.rows`, r0);
    const c = checkSize(fn, `${arg}.cols`, c0);
    checkFloatArray(fn, `${arg}.data`, data, dtype);
    const view = canonicalView(data);
    if (view.length !== r * c) {
        fail(fn, arg, `has data.length ${view.length} but rows·cols = ${r}·${c} = ${r * c}`);
    }
    if ((rows !== null && r !== rows) || (cols !== null && c !== cols)) {
        fail(fn, arg, `must be ${rows ?? r}×${cols ?? c}, got ${r}×${c}`);
    }
    return { data: view, rows: r, cols: c };
}
/**
 * Integer labels: an Int32Array of length n with every entry in [0, classes) or equal to ignoreIndex.
 * Returns a canonical view (see canonicalView).
 */
function checkLabels(fn, arg, v, n, classes, ignoreIndex) {
    if (!isInt32Array(v))
        fail(fn, arg, `must be an Int32Array of ${n} class indices, got ${describe(v)}`);
    checkNotDetached(fn, arg, v);
    const a = canonicalView(v);
    if (a.length !== n)
        fail(fn, arg, `must have length ${n} (one label per row), got length ${a.length}`);
    for (let i = 0; i < n; i++) {
        const y = a[i];
        if ((y < 0 || y >= classes) && y !== ignoreIndex) {
            const extra = ignoreIndex !== undefined ? ` and is not ignoreIndex (${ignoreIndex})` : '';
            fail(fn, `${arg}[${i}]`, `= ${y} is outside [0, ${classes})${extra}`);
        }
    }
    return a;
}
/** Options must be undefined or a plain object with only known keys (a typo must not be silently ignored). */
function checkOptions(fn, options, known, arg = 'options') {
    if (options === undefined)
        return {};
    if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
        fail(fn, arg, `must be an object or undefined, got ${describe(options)}`);
    }
    // A snapshot: each option is read once, so a getter cannot answer differently after validation.
    const snapshot = {};
    for (const key of Object.keys(options)) {
        if (!known.includes(key))
            fail(fn, `${arg}.${key}`, `is not a known option (known: ${known.join(', ')})`);
        snapshot[key] = options[key];
    }
    return snapshot;
}
function checkBoolean(fn, arg, v, dflt) {
    if (v === undefined)
        return dflt;
    if (typeof v !== 'boolean')
        fail(fn, arg, `must be true or false, got ${describe(v)}`);
    return v;
}
function checkNumberInRange(fn, arg, v, lo, hi, dflt) {
    if (v === undefined)
        return dflt;
    if (typeof v !== 'number' || !(v >= lo && v <= hi)) {
        const range = hi === Infinity ? `≥ ${lo}` : `in [${lo}, ${hi}]`;
        fail(fn, arg, `must be a finite number ${range}, got ${describe(v)}`);
    }
    if (!Number.isFinite(v))
        fail(fn, arg, `must be finite, got ${describe(v)}`);
    return v;
}
function checkInt32(fn, arg, v) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2 ** 31 - 1) {
        fail(fn, arg, `must be an integer in the 32-bit range, got ${describe(v)}`);
    }
    return v;
}
function overlaps(a, b) {
    return a.buffer === b.buffer && a.byteLength > 0 && b.byteLength > 0 &&
        a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
function identical(a, b) {
    return a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.byteLength === b.byteLength;
}
/**
 * An output may be exactly an input listed in `mayAlias`, and must not otherwise share memory with
 * any input or another output (a partial overlap would make the result depend on the order of work).
 */
function checkNoOverlap(fn, outName, out, others) {
    for (const [name, other, mayAlias] of others) {
        if (!other || !overlaps(out, other))
            continue;
        if (mayAlias && identical(out, other))
            continue;
        fail(fn, outName, mayAlias
            ? `partially overlaps ${name}; it may be exactly ${name} (same memory) or separate, not a shifted view`
            : `shares memory with ${name}; pass a separate array`);
    }
}

/**
 * Wraps a typed array as a row-major `rows × cols` matrix, checking that `data` is a
 * Float32Array or Float64Array (any view: `byteOffset`, `subarray`, `SharedArrayBuffer`) of length
 * `rows · cols` and that the sizes are non-negative integers. The data is not copied.
 * @param data row-major elements.
 * @param rows number of rows.
 * @param cols number of columns.
 * @returns `{ data, rows, cols }`.
 * @throws SoftmaxInputError on a wrong type, size or length.
 * @example
 * const x = matrix(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3); // x.rows === 2, x.cols === 3
 */
function matrix(data, rows, cols) {
    checkFloatArray('matrix', 'data', data);
    const r = checkSize('matrix', 'rows', rows);
    const c = checkSize('matrix', 'cols', cols);
    if (data.length !== r * c)
        fail('matrix', 'data', `must have length rows·cols = ${r}·${c} = ${r * c}, got length ${data.length}`);
    return { data, rows, cols };
}

/** Reduction codes shared with the WASM ABI. */
const REDUCTION_MEAN = 0;
const REDUCTION_SUM = 1;
const REDUCTION_NONE = 2;

/**
 * The public, validating layer: turns a Backend (reference or WASM) into SoftmaxKernels. Every
 * argument is checked here, once, before the backend computes or allocates anything; missing
 * outputs are allocated here as plain typed arrays of the inputs' float type.
 */
/** The largest vector softmaxJacobian accepts: its n×n result has at most 67M elements. */
const MAX_JACOBIAN_LENGTH = 8192;
const CE_OPTIONS = ['reduction', 'weights', 'ignoreIndex', 'labelSmoothing', 'grad', 'gradOut'];
const LINEAR_OPTIONS = ['bias', 'reg', 'inputGrad', 'out'];
const LINEAR_OUT = ['dW', 'db', 'dX'];
function newArray(dtype, n) {
    return (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n));
}
function newMatrix(dtype, rows, cols) {
    return { data: newArray(dtype, rows * cols), rows, cols };
}
function reductionCode(fn, v) {
    if (v === undefined || v === 'mean')
        return REDUCTION_MEAN;
    if (v === 'sum')
        return REDUCTION_SUM;
    if (v === 'none')
        return REDUCTION_NONE;
    return fail(fn, 'options.reduction', `must be 'mean', 'sum' or 'none', got ${describe(v)}`);
}
/**
 * Wraps a backend with validation. `guard` runs first on every call (the WASM kernels use it to
 * refuse calls after dispose()). The backend gets snapshots of the arguments (see matrixArg): every
 * property of a caller's object is read once, during validation.
 */
function createKernels(backend, guard = () => { }) {
    function rowwise(fn) {
        return (x, out) => {
            guard(fn);
            const sx = matrixArg(fn, 'x', x);
            const dt = dtypeOf(sx.data);
            let so = null;
            if (out !== undefined) {
                so = matrixArg(fn, 'out', out, dt, sx.rows, sx.cols);
                checkNoOverlap(fn, 'out', so.data, [['x', sx.data, true]]);
            }
            const o = so ?? newMatrix(dt, sx.rows, sx.cols);
            backend[fn](sx, o);
            return so ? out : o;
        };
    }
    return {
        softmax: rowwise('softmax'),
        logSoftmax: rowwise('logSoftmax'),
        softmaxBackward(y, dy, out) {
            const fn = 'softmaxBackward';
            guard(fn);
            const sy = matrixArg(fn, 'y', y);
            const dt = dtypeOf(sy.data);
            const sdy = matrixArg(fn, 'dy', dy, dt, sy.rows, sy.cols);
            let so = null;
            if (out !== undefined) {
                so = matrixArg(fn, 'out', out, dt, sy.rows, sy.cols);
                checkNoOverlap(fn, 'out', so.data, [['y', sy.data, true], ['dy', sdy.data, true]]);
            }
            const o = so ?? newMatrix(dt, sy.rows, sy.cols);
            backend.softmaxBackward(sy, sdy, o);
            return so ? out : o;
        },
        softmaxJacobian(y) {
            const fn = 'softmaxJacobian';
            guard(fn);
            const sy = floatArg(fn, 'y', y);
            const dt = dtypeOf(sy);
            if (sy.length > MAX_JACOBIAN_LENGTH) {
                fail(fn, 'y', `has length ${sy.length}; the n×n Jacobian is meant for small vectors (n ≤ ${MAX_JACOBIAN_LENGTH}); use softmaxBackward for a Jacobian-vector product`);
            }
            const o = newMatrix(dt, sy.length, sy.length);
            backend.softmaxJacobian(sy, o);
            return o;
        },
        softmaxCrossEntropy(logits, labels, options) {
            const fn = 'softmaxCrossEntropy';
            guard(fn);
            const sl = matrixArg(fn, 'logits', logits);
            const dt = dtypeOf(sl.data);
            const { rows: n, cols: c } = sl;
            const opt = checkOptions(fn, options, CE_OPTIONS);
            const reduction = reductionCode(fn, opt.reduction);
            const smoothing = checkNumberInRange(fn, 'options.labelSmoothing', opt.labelSmoothing, 0, 1, 0);
            const wantGrad = checkBoolean(fn, 'options.grad', opt.grad, true);
            const weights = opt.weights === undefined ? null : floatArg(fn, 'options.weights', opt.weights, dt, c);
            const ignoreIndex = opt.ignoreIndex === undefined ? undefined : checkInt32(fn, 'options.ignoreIndex', opt.ignoreIndex);
            let intLabels = null;
            let targets = null;
            if (isInt32Array(labels)) {
                intLabels = checkLabels(fn, 'labels', labels, n, c, ignoreIndex);
            }
            else if (labels !== null && typeof labels === 'object' && !ArrayBuffer.isView(labels) && 'data' in labels) {
                targets = matrixArg(fn, 'labels', labels, dt, n, c);
                if (ignoreIndex !== undefined)
                    fail(fn, 'options.ignoreIndex', `applies only to integer labels (Int32Array); labels here are ${n}×${c} probability rows`);
            }
            else {
                fail(fn, 'labels', `must be an Int32Array of ${n} class indices or a ${n}×${c} matrix of target probabilities, got ${describe(labels)}`);
            }
            let gradOut = null;
            if (opt.gradOut !== undefined) {
                if (!wantGrad)
                    fail(fn, 'options.gradOut', 'was given together with grad: false; drop one of them');
                gradOut = matrixArg(fn, 'options.gradOut', opt.gradOut, dt, n, c);
                checkNoOverlap(fn, 'options.gradOut', gradOut.data, [
                    ['logits', sl.data, true], ['labels', intLabels ?? targets?.data, false], ['options.weights', weights, false],
                ]);
            }
            const grad = wantGrad ? gradOut ?? newMatrix(dt, n, c) : null;
            const losses = reduction === REDUCTION_NONE ? newArray(dt, n) : null;
            const loss = backend.softmaxCrossEntropy({
                logits: sl, labels: intLabels, targets, weights,
                // -1 is never a valid label, so it means "ignore nothing" when the caller gave no ignoreIndex.
                ignoreIndex: ignoreIndex ?? -1,
                smoothing, reduction, losses, grad,
            });
            const result = { loss };
            if (losses)
                result.losses = losses;
            if (grad)
                result.grad = gradOut ? opt.gradOut : grad;
            return result;
        },
        linearSoftmaxLoss(X, labels, W, options) {
            const fn = 'linearSoftmaxLoss';
            guard(fn);
            const sX = matrixArg(fn, 'X', X);
            const dt = dtypeOf(sX.data);
            const { rows: n, cols: d } = sX;
            const sW = matrixArg(fn, 'W', W, dt);
            if (sW.rows !== d)
                fail(fn, 'W', `must be D×C with D = X.cols = ${d}, got ${sW.rows}×${sW.cols}`);
            const c = sW.cols;
            const sLabels = checkLabels(fn, 'labels', labels, n, c);
            const opt = checkOptions(fn, options, LINEAR_OPTIONS);
            const bias = opt.bias === undefined ? null : floatArg(fn, 'options.bias', opt.bias, dt, c);
            const reg = checkNumberInRange(fn, 'options.reg', opt.reg, 0, Infinity, 0);
            const inputGrad = opt.inputGrad === undefined ? undefined : checkBoolean(fn, 'options.inputGrad', opt.inputGrad, false);
            const out = checkOptions(fn, opt.out, LINEAR_OUT, 'options.out');
            const oW = out.dW === undefined ? null : matrixArg(fn, 'options.out.dW', out.dW, dt, d, c);
            const ob = out.db === undefined ? null : floatArg(fn, 'options.out.db', out.db, dt, c);
            let oX = null;
            if (out.dX !== undefined) {
                if (inputGrad === false)
                    fail(fn, 'options.out.dX', 'was given together with inputGrad: false; drop one of them');
                oX = matrixArg(fn, 'options.out.dX', out.dX, dt, n, d);
            }
            const inputs = [['X', sX.data], ['labels', sLabels], ['W', sW.data], ['options.bias', bias]];
            const outs = [['options.out.dW', oW?.data], ['options.out.db', ob], ['options.out.dX', oX?.data]];
            for (const [name, arr] of outs) {
                if (!arr)
                    continue;
                checkNoOverlap(fn, name, arr, [
                    ...inputs.map(([iname, iarr]) => [iname, iarr,
                        (name === 'options.out.dW' && iname === 'W') || (name === 'options.out.dX' && iname === 'X')]),
                    ...outs.filter(([oname]) => oname !== name).map(([oname, oarr]) => [oname, oarr, false]),
                ]);
            }
            const dW = oW ?? newMatrix(dt, d, c);
            const db = ob ?? newArray(dt, c);
            const dX = inputGrad || oX ? oX ?? newMatrix(dt, n, d) : null;
            const loss = backend.linearSoftmaxLoss({ X: sX, labels: sLabels, W: sW, bias, reg, dW, db, dX });
            // The caller's own objects come back where the caller gave them.
            const result = { loss, dW: oW ? out.dW : dW, db: ob ? out.db : db };
            if (dX)
                result.dX = oX ? out.dX : dX;
            return result;
        },
    }; // the overloads of SoftmaxKernels narrow the result types; these bodies return the general ones
}

/**
 * A memory arena in WASM linear memory, managed from JS. It hands out 16-byte aligned blocks
 * (first fit, coalescing on free) for alloc() matrices, and keeps ONE scratch block that calls use
 * to stage copied-in inputs, outputs and kernel workspace. The scratch block is reused across calls
 * and only replaced by a larger one (×1.5) when a call needs more, so repeating a call with the same
 * shapes never grows memory. Memory grows with `memory.grow` when no free block fits; views into
 * memory must be re-derived after that (old ArrayBuffers detach).
 */
const PAGE = 65536;
/** wasm32 address space: 65536 pages of 64 KiB = 4 GiB. */
const MAX_MEMORY_BYTES = 65536 * PAGE;
const ALIGN = 16;
const align = (n) => Math.ceil(n / ALIGN) * ALIGN;
class Arena {
    memory;
    blocks = [];
    scratchBlock = null;
    constructor(memory, base) {
        this.memory = memory;
        const start = Math.max(align(base), ALIGN); // never hand out address 0 (0 means "absent" in the ABI)
        const end = memory.buffer.byteLength;
        if (end > start)
            this.blocks.push({ start, size: end - start, free: true });
        this.end = end;
    }
    end;
    /** Bytes that could still be added to the arena by growing memory. */
    headroom() {
        return MAX_MEMORY_BYTES - this.end;
    }
    /** A block of at least `bytes` (16-byte aligned start). Throws SoftmaxInputError if memory cannot grow. */
    alloc(bytes, what = 'this call') {
        const size = Math.max(align(bytes), ALIGN);
        let block = this.blocks.find((b) => b.free && b.size >= size);
        if (!block)
            block = this.growFor(size, what);
        if (block.size > size) {
            const rest = { start: block.start + size, size: block.size - size, free: true };
            this.blocks.splice(this.blocks.indexOf(block) + 1, 0, rest);
            block.size = size;
        }
        block.free = false;
        return block.start;
    }
    /** Returns a block from alloc() to the arena. Unknown pointers are ignored. */
    free(ptr) {
        const i = this.blocks.findIndex((b) => b.start === ptr && !b.free);
        if (i < 0)
            return;
        this.blocks[i].free = true;
        // coalesce with free neighbours
        const next = this.blocks[i + 1];
        if (next?.free) {
            this.blocks[i].size += next.size;
            this.blocks.splice(i + 1, 1);
        }
        const prev = this.blocks[i - 1];
        if (prev?.free) {
            prev.size += this.blocks[i].size;
            this.blocks.splice(i, 1);
        }
    }
    /** True when [ptr, ptr + bytes) lies inside one live alloc() block (not the scratch block). */
    owns(ptr, bytes) {
        for (const b of this.blocks) {
            if (!b.free && b !== this.scratchBlock && ptr >= b.start && ptr + bytes <= b.start + b.size)
                return true;
        }
        return false;
    }
    /** The scratch block, at least `bytes` long. Its contents are not preserved across calls. */
    scratch(bytes, what) {
        const s = this.scratchBlock;
        if (s && s.size >= bytes)
            return s.start;
        if (bytes > this.headroom() + this.freeBytes() + (s ? s.size : 0)) {
            throw new SoftmaxInputError(`${what} needs ${fmtBytes(bytes)} of WASM memory, more than the 4 GiB WebAssembly address space can hold`, 'size');
        }
        if (s) {
            this.scratchBlock = null;
            this.free(s.start);
        }
        const want = Math.max(bytes, Math.min(Math.ceil((s ? s.size : 0) * 1.5), MAX_MEMORY_BYTES / 2));
        let ptr;
        try {
            ptr = this.alloc(want, what);
        }
        catch (e) {
            if (want === bytes)
                throw e;
            ptr = this.alloc(bytes, what); // the ×1.5 headroom did not fit: take exactly what is needed
        }
        this.scratchBlock = this.blocks.find((b) => b.start === ptr);
        return ptr;
    }
    freeBytes() {
        const last = this.blocks[this.blocks.length - 1];
        return last?.free ? last.size : 0;
    }
    /** Grows memory so that a free block of `size` bytes exists at the end; returns that block. */
    growFor(size, what) {
        let last = this.blocks[this.blocks.length - 1];
        const tailFree = last?.free ? last.size : 0;
        const need = size - tailFree;
        const pages = Math.ceil(need / PAGE);
        if (this.end + pages * PAGE > MAX_MEMORY_BYTES) {
            throw new SoftmaxInputError(`${what} needs ${fmtBytes(size)} more of WASM memory (in use: ${fmtBytes(this.end)}), beyond the 4 GiB WebAssembly address space`, 'size');
        }
        try {
            this.memory.grow(pages);
        }
        catch (e) {
            throw new SoftmaxInputError(`${what} needs ${fmtBytes(size)} more of WASM memory and the engine refused to grow it from ${fmtBytes(this.end)} (${e.message})`, 'size');
        }
        const newEnd = this.memory.buffer.byteLength;
        if (last?.free)
            last.size += newEnd - this.end;
        else {
            last = { start: this.end, size: newEnd - this.end, free: true };
            this.blocks.push(last);
        }
        this.end = newEnd;
        return last;
    }
}
function fmtBytes(n) {
    if (n >= 2 ** 30)
        return `${(n / 2 ** 30).toFixed(2)} GiB`;
    if (n >= 2 ** 20)
        return `${(n / 2 ** 20).toFixed(1)} MiB`;
    if (n >= 2 ** 10)
        return `${(n / 2 ** 10).toFixed(1)} KiB`;
    return `${n} bytes`;
}

// Runtime header offsets
const ID_OFFSET = -8;
const SIZE_OFFSET = -4;

// Runtime ids
// const OBJECT_ID = 0;
const ARRAYBUFFER_ID = 1;
const STRING_ID = 2;

// Runtime type information
const ARRAYBUFFERVIEW = 1 << 0;
const ARRAY = 1 << 1;
const STATICARRAY = 1 << 2;
// const SET = 1 << 3;
// const MAP = 1 << 4;
const VAL_ALIGN_OFFSET = 6;
// const VAL_ALIGN = 1 << VAL_ALIGN_OFFSET;
const VAL_SIGNED = 1 << 11;
const VAL_FLOAT = 1 << 12;
// const VAL_NULLABLE = 1 << 13;
const VAL_MANAGED = 1 << 14;
// const KEY_ALIGN_OFFSET = 15;
// const KEY_ALIGN = 1 << KEY_ALIGN_OFFSET;
// const KEY_SIGNED = 1 << 20;
// const KEY_FLOAT = 1 << 21;
// const KEY_NULLABLE = 1 << 22;
// const KEY_MANAGED = 1 << 23;

// Array(BufferView) layout
const ARRAYBUFFERVIEW_BUFFER_OFFSET = 0;
const ARRAYBUFFERVIEW_DATASTART_OFFSET = 4;
const ARRAYBUFFERVIEW_BYTELENGTH_OFFSET = 8;
const ARRAYBUFFERVIEW_SIZE = 12;
const ARRAY_LENGTH_OFFSET = 12;
const ARRAY_SIZE = 16;

const E_NO_EXPORT_TABLE   = "Operation requires compiling with --exportTable";
const E_NO_EXPORT_RUNTIME = "Operation requires compiling with --exportRuntime";
const F_NO_EXPORT_RUNTIME = () => { throw Error(E_NO_EXPORT_RUNTIME); };

const BIGINT = typeof BigUint64Array !== "undefined";
const THIS = Symbol();

const STRING_SMALLSIZE = 192; // break-even point in V8
const STRING_CHUNKSIZE = 1024; // mitigate stack overflow
const utf16 = new TextDecoder("utf-16le", { fatal: true }); // != wtf16

/** polyfill for Object.hasOwn */
Object.hasOwn = Object.hasOwn || function(obj, prop) {
  return Object.prototype.hasOwnProperty.call(obj, prop);
};

/** Gets a string from memory. */
function getStringImpl(buffer, ptr) {
  let len = new Uint32Array(buffer)[ptr + SIZE_OFFSET >>> 2] >>> 1;
  const wtf16 = new Uint16Array(buffer, ptr, len);
  if (len <= STRING_SMALLSIZE) return String.fromCharCode(...wtf16);
  try {
    return utf16.decode(wtf16);
  } catch {
    let str = "", off = 0;
    while (len - off > STRING_CHUNKSIZE) {
      str += String.fromCharCode(...wtf16.subarray(off, off += STRING_CHUNKSIZE));
    }
    return str + String.fromCharCode(...wtf16.subarray(off));
  }
}

/** Prepares the base module prior to instantiation. */
function preInstantiate(imports) {
  const extendedExports = {};

  function getString(memory, ptr) {
    if (!memory) return "<yet unknown>";
    return getStringImpl(memory.buffer, ptr);
  }

  // add common imports used by stdlib for convenience
  const env = (imports.env = imports.env || {});
  env.abort = env.abort || function abort(msg, file, line, colm) {
    const memory = extendedExports.memory || env.memory; // prefer exported, otherwise try imported
    throw Error(`abort: ${getString(memory, msg)} at ${getString(memory, file)}:${line}:${colm}`);
  };
  env.trace = env.trace || function trace(msg, n, ...args) {
    const memory = extendedExports.memory || env.memory;
    console.log(`trace: ${getString(memory, msg)}${n ? " " : ""}${args.slice(0, n).join(", ")}`);
  };
  env.seed = env.seed || Date.now;
  imports.Math = imports.Math || Math;
  imports.Date = imports.Date || Date;

  return extendedExports;
}

/** Prepares the final module once instantiation is complete. */
function postInstantiate(extendedExports, instance) {
  const exports = instance.exports;
  const memory = exports.memory;
  const table = exports.table;
  const __new = exports.__new || F_NO_EXPORT_RUNTIME;
  const __pin = exports.__pin || F_NO_EXPORT_RUNTIME;
  const __unpin = exports.__unpin || F_NO_EXPORT_RUNTIME;
  const __collect = exports.__collect || F_NO_EXPORT_RUNTIME;
  const __rtti_base = exports.__rtti_base;
  const getTypeinfoCount = __rtti_base ? arr => arr[__rtti_base >>> 2] : F_NO_EXPORT_RUNTIME;

  extendedExports.__new = __new;
  extendedExports.__pin = __pin;
  extendedExports.__unpin = __unpin;
  extendedExports.__collect = __collect;

  /** Gets the runtime type info for the given id. */
  function getTypeinfo(id) {
    const U32 = new Uint32Array(memory.buffer);
    if ((id >>>= 0) >= getTypeinfoCount(U32)) throw Error(`invalid id: ${id}`);
    return U32[(__rtti_base + 4 >>> 2) + id];
  }

  /** Gets and validates runtime type info for the given id for array like objects */
  function getArrayInfo(id) {
    const info = getTypeinfo(id);
    if (!(info & (ARRAYBUFFERVIEW | ARRAY | STATICARRAY))) throw Error(`not an array: ${id}, flags=${info}`);
    return info;
  }

  /** Gets the runtime alignment of a collection's values. */
  function getValueAlign(info) {
    return 31 - Math.clz32((info >>> VAL_ALIGN_OFFSET) & 31); // -1 if none
  }

  /** Gets the runtime alignment of a collection's keys. */
  // function getKeyAlign(info) {
  //   return 31 - Math.clz32((info >>> KEY_ALIGN_OFFSET) & 31); // -1 if none
  // }

  /** Allocates a new string in the module's memory and returns its pointer. */
  function __newString(str) {
    if (str == null) return 0;
    const length = str.length;
    const ptr = __new(length << 1, STRING_ID);
    const U16 = new Uint16Array(memory.buffer);
    for (let i = 0, p = ptr >>> 1; i < length; ++i) U16[p + i] = str.charCodeAt(i);
    return ptr;
  }

  extendedExports.__newString = __newString;

  /** Allocates a new ArrayBuffer in the module's memory and returns its pointer. */
  function __newArrayBuffer(buf) {
    if (buf == null) return 0;
    const bufview = new Uint8Array(buf);
    const ptr = __new(bufview.length, ARRAYBUFFER_ID);
    const U8 = new Uint8Array(memory.buffer);
    U8.set(bufview, ptr);
    return ptr;
  }

  extendedExports.__newArrayBuffer = __newArrayBuffer;

  /** Reads a string from the module's memory by its pointer. */
  function __getString(ptr) {
    if (!ptr) return null;
    const buffer = memory.buffer;
    const id = new Uint32Array(buffer)[ptr + ID_OFFSET >>> 2];
    if (id !== STRING_ID) throw Error(`not a string: ${ptr}`);
    return getStringImpl(buffer, ptr);
  }

  extendedExports.__getString = __getString;

  /** Gets the view matching the specified alignment, signedness and floatness. */
  function getView(alignLog2, signed, float) {
    const buffer = memory.buffer;
    if (float) {
      switch (alignLog2) {
        case 2: return new Float32Array(buffer);
        case 3: return new Float64Array(buffer);
      }
    } else {
      switch (alignLog2) {
        case 0: return new (signed ? Int8Array : Uint8Array)(buffer);
        case 1: return new (signed ? Int16Array : Uint16Array)(buffer);
        case 2: return new (signed ? Int32Array : Uint32Array)(buffer);
        case 3: return new (signed ? BigInt64Array : BigUint64Array)(buffer);
      }
    }
    throw Error(`unsupported align: ${alignLog2}`);
  }

  /** Allocates a new array in the module's memory and returns its pointer. */
  function __newArray(id, valuesOrCapacity = 0) {
    const input = valuesOrCapacity;
    const info = getArrayInfo(id);
    const align = getValueAlign(info);
    const isArrayLike = typeof input !== "number";
    const length = isArrayLike ? input.length : input;
    const buf = __new(length << align, info & STATICARRAY ? id : ARRAYBUFFER_ID);
    let result;
    if (info & STATICARRAY) {
      result = buf;
    } else {
      __pin(buf);
      const arr = __new(info & ARRAY ? ARRAY_SIZE : ARRAYBUFFERVIEW_SIZE, id);
      __unpin(buf);
      const U32 = new Uint32Array(memory.buffer);
      U32[arr + ARRAYBUFFERVIEW_BUFFER_OFFSET >>> 2] = buf;
      U32[arr + ARRAYBUFFERVIEW_DATASTART_OFFSET >>> 2] = buf;
      U32[arr + ARRAYBUFFERVIEW_BYTELENGTH_OFFSET >>> 2] = length << align;
      if (info & ARRAY) U32[arr + ARRAY_LENGTH_OFFSET >>> 2] = length;
      result = arr;
    }
    if (isArrayLike) {
      const view = getView(align, info & VAL_SIGNED, info & VAL_FLOAT);
      const start = buf >>> align;
      if (info & VAL_MANAGED) {
        for (let i = 0; i < length; ++i) {
          view[start + i] = input[i];
        }
      } else {
        view.set(input, start);
      }
    }
    return result;
  }

  extendedExports.__newArray = __newArray;

  /** Gets a live view on an array's values in the module's memory. Infers the array type from RTTI. */
  function __getArrayView(arr) {
    const U32 = new Uint32Array(memory.buffer);
    const id = U32[arr + ID_OFFSET >>> 2];
    const info = getArrayInfo(id);
    const align = getValueAlign(info);
    let buf = info & STATICARRAY
      ? arr
      : U32[arr + ARRAYBUFFERVIEW_DATASTART_OFFSET >>> 2];
    const length = info & ARRAY
      ? U32[arr + ARRAY_LENGTH_OFFSET >>> 2]
      : U32[buf + SIZE_OFFSET >>> 2] >>> align;
    return getView(align, info & VAL_SIGNED, info & VAL_FLOAT).subarray(buf >>>= align, buf + length);
  }

  extendedExports.__getArrayView = __getArrayView;

  /** Copies an array's values from the module's memory. Infers the array type from RTTI. */
  function __getArray(arr) {
    const input = __getArrayView(arr);
    const len = input.length;
    const out = new Array(len);
    for (let i = 0; i < len; i++) out[i] = input[i];
    return out;
  }

  extendedExports.__getArray = __getArray;

  /** Copies an ArrayBuffer's value from the module's memory. */
  function __getArrayBuffer(ptr) {
    const buffer = memory.buffer;
    const length = new Uint32Array(buffer)[ptr + SIZE_OFFSET >>> 2];
    return buffer.slice(ptr, ptr + length);
  }

  extendedExports.__getArrayBuffer = __getArrayBuffer;

  /** Gets a function from poiner which contain table's index. */
  function __getFunction(ptr) {
    if (!table) throw Error(E_NO_EXPORT_TABLE);
    const index = new Uint32Array(memory.buffer)[ptr >>> 2];
    return table.get(index);
  }

  extendedExports.__getFunction = __getFunction;

  /** Copies a typed array's values from the module's memory. */
  function getTypedArray(Type, alignLog2, ptr) {
    return new Type(getTypedArrayView(Type, alignLog2, ptr));
  }

  /** Gets a live view on a typed array's values in the module's memory. */
  function getTypedArrayView(Type, alignLog2, ptr) {
    const buffer = memory.buffer;
    const U32 = new Uint32Array(buffer);
    return new Type(
      buffer,
      U32[ptr + ARRAYBUFFERVIEW_DATASTART_OFFSET >>> 2],
      U32[ptr + ARRAYBUFFERVIEW_BYTELENGTH_OFFSET >>> 2] >>> alignLog2
    );
  }

  /** Attach a set of get TypedArray and View functions to the exports. */
  function attachTypedArrayFunctions(ctor, name, align) {
    extendedExports[`__get${name}`] = getTypedArray.bind(null, ctor, align);
    extendedExports[`__get${name}View`] = getTypedArrayView.bind(null, ctor, align);
  }

  [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array
  ].forEach(ctor => {
    attachTypedArrayFunctions(ctor, ctor.name, 31 - Math.clz32(ctor.BYTES_PER_ELEMENT));
  });

  if (BIGINT) {
    [BigUint64Array, BigInt64Array].forEach(ctor => {
      attachTypedArrayFunctions(ctor, ctor.name.slice(3), 3);
    });
  }

  // Pull basic exports to extendedExports so code in preInstantiate can use them
  extendedExports.memory = extendedExports.memory || memory;
  extendedExports.table  = extendedExports.table  || table;

  // Demangle exports and provide the usual utility on the prototype
  return demangle(exports, extendedExports);
}

function isResponse(src) {
  return typeof Response !== "undefined" && src instanceof Response;
}

function isModule(src) {
  return src instanceof WebAssembly.Module;
}

/** Asynchronously instantiates an AssemblyScript module from anything that can be instantiated. */
async function instantiate(source, imports = {}) {
  if (isResponse(source = await source)) return instantiateStreaming(source, imports);
  const module = isModule(source) ? source : await WebAssembly.compile(source);
  const extended = preInstantiate(imports);
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = postInstantiate(extended, instance);
  return { module, instance, exports };
}

/** Asynchronously instantiates an AssemblyScript module from a response, i.e. as obtained by `fetch`. */
async function instantiateStreaming(source, imports = {}) {
  if (!WebAssembly.instantiateStreaming) {
    return instantiate(
      isResponse(source = await source)
        ? source.arrayBuffer()
        : source,
      imports
    );
  }
  const extended = preInstantiate(imports);
  const result = await WebAssembly.instantiateStreaming(source, imports);
  const exports = postInstantiate(extended, result.instance);
  return { ...result, exports };
}

/** Demangles an AssemblyScript module's exports to a friendly object structure. */
function demangle(exports, extendedExports = {}) {
  const setArgumentsLength = exports["__argumentsLength"]
    ? length => { exports["__argumentsLength"].value = length; }
    : exports["__setArgumentsLength"] || exports["__setargc"] || (() => { /* nop */ });
  for (let internalName of Object.keys(exports)) {
    const elem = exports[internalName];
    let parts = internalName.split(".");
    let curr = extendedExports;
    while (parts.length > 1) {
      let part = parts.shift();
      if (!Object.hasOwn(curr, part)) curr[part] = {};
      curr = curr[part];
    }
    let name = parts[0];
    let hash = name.indexOf("#");
    if (hash >= 0) {
      const className = name.substring(0, hash);
      const classElem = curr[className];
      if (typeof classElem === "undefined" || !classElem.prototype) {
        const ctor = function(...args) {
          return ctor.wrap(ctor.prototype.constructor(0, ...args));
        };
        ctor.prototype = {
          valueOf() { return this[THIS]; }
        };
        ctor.wrap = function(thisValue) {
          return Object.create(ctor.prototype, { [THIS]: { value: thisValue, writable: false } });
        };
        if (classElem) Object.getOwnPropertyNames(classElem).forEach(name =>
          Object.defineProperty(ctor, name, Object.getOwnPropertyDescriptor(classElem, name))
        );
        curr[className] = ctor;
      }
      name = name.substring(hash + 1);
      curr = curr[className].prototype;
      if (/^(get|set):/.test(name)) {
        if (!Object.hasOwn(curr, name = name.substring(4))) {
          let getter = exports[internalName.replace("set:", "get:")];
          let setter = exports[internalName.replace("get:", "set:")];
          Object.defineProperty(curr, name, {
            get() { return getter(this[THIS]); },
            set(value) { setter(this[THIS], value); },
            enumerable: true
          });
        }
      } else {
        if (name === 'constructor') {
          (curr[name] = function(...args) {
            setArgumentsLength(args.length);
            return elem(...args);
          }).original = elem;
        } else { // instance method
          (curr[name] = function(...args) { // !
            setArgumentsLength(args.length);
            return elem(this[THIS], ...args);
          }).original = elem;
        }
      }
    } else {
      if (/^(get|set):/.test(name)) {
        if (!Object.hasOwn(curr, name = name.substring(4))) {
          Object.defineProperty(curr, name, {
            get: exports[internalName.replace("set:", "get:")],
            set: exports[internalName.replace("get:", "set:")],
            enumerable: true
          });
        }
      } else if (typeof elem === "function" && elem !== setArgumentsLength) {
        (curr[name] = (...args) => {
          setArgumentsLength(args.length);
          return elem(...args);
        }).original = elem;
      } else {
        curr[name] = elem;
      }
    }
  }
  return extendedExports;
}

/** The generated modules, one per build (literal specifiers, so bundlers see them). */
const INLINE = {
    baseline: () => import('./softmax-31qunNjP.js'),
    relaxed: () => import('./softmax.relaxed-DMEamvNM.js'),
};
function decode(base64) {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++)
        bytes[i] = bin.charCodeAt(i);
    return bytes;
}
const platform = {
    where: 'modules inlined into the package (dist/wasm/inline/)',
    async shipped(build) {
        let mod;
        try {
            mod = await INLINE[build]();
        }
        catch (e) {
            throw new Error(`softmax-wasm: the ${build} build (${BUILDS[build]}, inlined as dist/wasm/inline/) could not be imported: ${e.message}`, { cause: e });
        }
        return decode(mod.base64);
    },
    async readUrl(url) {
        let response;
        try {
            response = await fetch(url);
        }
        catch (e) {
            throw new Error(`softmax-wasm: loadWasm({ wasm }): could not fetch ${url.href}: ${e.message}`, { cause: e });
        }
        if (!response.ok)
            throw new Error(`softmax-wasm: loadWasm({ wasm }): could not fetch ${url.href}: HTTP ${response.status} ${response.statusText}`);
        return response;
    },
};

/**
 * Validates loadWasm's options, picks one of the shipped kernel modules (build/softmax.wasm,
 * baseline SIMD; build/softmax.relaxed.wasm, relaxed SIMD, the same sources) or takes the user's,
 * and instantiates it with @assemblyscript/loader.
 *
 * Where the shipped modules' bytes come from depends on the runtime, through the package's own
 * `#platform` import (package.json "imports", with export conditions):
 * - Node and Bun (`default`): ./platform.node.ts reads build/*.wasm beside the package with node:fs;
 * - browsers and Deno (`browser`, `deno`): ./platform.inline.ts imports generated modules that hold
 *   each build as base64 (src/wasm/inline/, written by scripts/inline-wasm.mjs in `npm run build`),
 *   so bundlers need no asset handling or configuration and Deno needs no --allow-read.
 * A new build (e.g. a threads module) is a row in {@link BUILDS} and in each platform's table.
 */
/** The shipped builds and their files in build/ (the inline modules are named after the file). */
const BUILDS = {
    baseline: 'softmax.wasm',
    relaxed: 'softmax.relaxed.wasm',
};
// (module (func (param v128 v128 v128) (result v128)
//   local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd))
const RELAXED_PROBE = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0,
    10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
];
// (module (func (result v128) v128.const i32x4 0 0 0 0))
const SIMD_PROBE = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
];
function validates(bytes) {
    try {
        return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
    }
    catch {
        return false;
    }
}
let relaxedCache;
/** Whether this engine runs relaxed SIMD (`WebAssembly.validate` of a one-instruction probe). */
function relaxedSimdSupported() {
    return (relaxedCache ??= validates(RELAXED_PROBE));
}
function checkSimdOption(simd) {
    if (simd !== undefined && simd !== 'auto' && simd !== 'baseline' && simd !== 'relaxed') {
        throw new SoftmaxInputError(`loadWasm: options.simd must be 'auto', 'baseline' or 'relaxed', got ${describe(simd)}`, 'options.simd');
    }
}
/** Which shipped module `simd` selects here (throws for 'relaxed' where it cannot run). */
function chooseBuild(simd = 'auto') {
    checkSimdOption(simd);
    if (simd === 'baseline')
        return 'baseline';
    const ok = relaxedSimdSupported();
    if (simd === 'relaxed' && !ok) {
        throw new Error('softmax-wasm: loadWasm({ simd: \'relaxed\' }): this JavaScript engine does not support WebAssembly relaxed SIMD '
            + '(Node 20 needs `node --experimental-wasm-relaxed-simd`; Node ≥ 22 and Chromium ≥ 114 have it). '
            + 'Use simd: \'auto\' or \'baseline\' for the baseline SIMD build.');
    }
    return ok ? 'relaxed' : 'baseline';
}
const WASM_ACCEPTED = 'the module\'s bytes (an ArrayBuffer or a view of one), a URL object (new URL(…); '
    + 'file: URLs are read in Node, Bun and Deno, other URLs fetched), a fetch Response or a WebAssembly.Module';
const tag = (v) => Object.prototype.toString.call(v);
function isResponseLike(v) {
    const r = v;
    return typeof r.arrayBuffer === 'function' && typeof r.ok === 'boolean' && typeof r.status === 'number';
}
function isUrl(v) {
    return (typeof URL === 'function' && v instanceof URL) || tag(v) === '[object URL]';
}
/** The user's `options.wasm` as something instantiate() takes; a SoftmaxInputError for anything else. */
async function userSource(src) {
    if (typeof src === 'string') {
        throw new SoftmaxInputError(`loadWasm: options.wasm must be ${WASM_ACCEPTED}; got the string ${describe(src)}. `
            + 'Strings are not accepted because a path and a URL look alike: pass new URL(string, import.meta.url), '
            + 'or the bytes (e.g. await readFile(path) in Node)', 'options.wasm');
    }
    if (src === null || typeof src !== 'object') {
        throw new SoftmaxInputError(`loadWasm: options.wasm must be ${WASM_ACCEPTED}; got ${describe(src)}`, 'options.wasm');
    }
    if (isUrl(src))
        return platform.readUrl(src);
    if (ArrayBuffer.isView(src) || tag(src) === '[object ArrayBuffer]' || tag(src) === '[object SharedArrayBuffer]')
        return src;
    if (typeof WebAssembly === 'object' && src instanceof WebAssembly.Module)
        return src;
    if (isResponseLike(src)) {
        if (!src.ok)
            throw new Error(`softmax-wasm: loadWasm: options.wasm is a failed Response (HTTP ${src.status}${src.url ? ` for ${src.url}` : ''})`);
        // A genuine Response streams into the compiler; any other response-like object gives its bytes.
        return typeof Response === 'function' && src instanceof Response ? src : src.arrayBuffer();
    }
    throw new SoftmaxInputError(`loadWasm: options.wasm must be ${WASM_ACCEPTED}; got ${describe(src)} (${tag(src)})`, 'options.wasm');
}
async function instantiateSource(source, given) {
    try {
        const { exports } = await instantiate(source, {});
        return exports;
    }
    catch (e) {
        let hint = validates(SIMD_PROBE) ? '' : ' This JavaScript engine does not support WebAssembly SIMD (needed by softmax-wasm).';
        if (!hint && given && !relaxedSimdSupported()) {
            hint = ' If this is build/softmax.relaxed.wasm: this engine has no relaxed SIMD (use build/softmax.wasm).';
        }
        throw new Error(`softmax-wasm: could not instantiate the WASM kernels: ${e.message}.${hint}`, { cause: e });
    }
}
/** Checks loadWasm's options (unknown keys, types) and returns a snapshot of them. */
function checkLoadOptions(options) {
    return {};
}
/**
 * Instantiates the kernels module and returns its raw exports: `options.wasm` as given, else the
 * build that `options.simd` selects (with 'auto', a relaxed module that cannot be read or
 * instantiated falls back to the baseline one silently).
 */
async function instantiateKernels(options) {
    const opts = checkLoadOptions();
    if (opts.wasm !== undefined)
        return instantiateSource(await userSource(opts.wasm), true);
    const build = chooseBuild(opts.simd);
    if (build === 'relaxed' && (opts.simd ?? 'auto') === 'auto') {
        try {
            return await instantiateSource(await platform.shipped('relaxed'), false);
        }
        catch {
            // fall through to the baseline module
        }
    }
    else if (build === 'relaxed') {
        return instantiateSource(await platform.shipped('relaxed'), false);
    }
    return instantiateSource(await platform.shipped('baseline'), false);
}

/**
 * The WASM engine: a Backend that marshals validated arguments into linear memory and calls the
 * raw kernels (src/wasm/abi.ts), plus loadWasm(), which builds the public WasmKernels around it.
 *
 * Per call: arrays that already live in this instance's memory (alloc() matrices or views of them)
 * are passed by pointer; every other array is copied into the arena's scratch block (an output that
 * is the very same array as an input shares that input's staging slot), the kernel runs, and staged
 * outputs are copied back into the caller's arrays. The scratch block is reused across calls.
 */
/** One call's marshalling plan: arrays in, arrays out, kernel workspace; then run; then copy out. */
class Call {
    engine;
    fn;
    slots = [];
    bytes = 0;
    constructor(engine, fn) {
        this.engine = engine;
        this.fn = fn;
    }
    slot(arr, input) {
        const same = this.slots.find((s) => s.arr.buffer === arr.buffer && s.arr.byteOffset === arr.byteOffset && s.arr.byteLength === arr.byteLength);
        if (same) { // an output that is exactly an input (validated as allowed): share its slot
            if (input)
                same.copyIn = true;
            else
                same.copyOut = true;
            return same;
        }
        const memory = this.engine.memory;
        let s;
        if (arr.buffer === memory.buffer && arr.byteLength > 0) {
            if (!this.engine.arena.owns(arr.byteOffset, arr.byteLength)) {
                fail(this.fn, 'an argument', `is a view of WASM memory outside any live alloc() block (${describe(arr)} at byte ${arr.byteOffset}); was its matrix freed?`);
            }
            s = { arr, ptr: arr.byteOffset, offset: 0, staged: false, copyIn: false, copyOut: false };
        }
        else {
            s = { arr, ptr: 0, offset: this.bytes, staged: true, copyIn: input, copyOut: !input };
            this.bytes += Math.ceil(arr.byteLength / 16) * 16;
        }
        this.slots.push(s);
        return s;
    }
    in(arr) { return this.slot(arr, true); }
    out(arr) { return this.slot(arr, false); }
    opt(arr, input = true) { return arr ? this.slot(arr, input) : null; }
    /** Reserves `bytes` of kernel workspace; returns a slot whose ptr is set by run(). */
    workspace(bytes) {
        const s = { arr: new Int32Array(0), ptr: 0, offset: this.bytes, staged: true, copyIn: false, copyOut: false };
        this.bytes += Math.ceil(bytes / 16) * 16;
        this.slots.push(s);
        return s;
    }
    /** Stages inputs, runs `kernel` (which reads slot pointers), copies outputs back. */
    run(kernel) {
        if (this.bytes > MAX_MEMORY_BYTES) {
            throw new SoftmaxInputError(`${this.fn}: this problem needs ${fmtBytes(this.bytes)} of WASM memory, more than the 4 GiB WebAssembly address space can hold`, 'size');
        }
        const base = this.engine.arena.scratch(this.bytes, this.fn);
        const buffer = this.engine.memory.buffer; // after any growth
        for (const s of this.slots) {
            if (!s.staged)
                continue;
            s.ptr = base + s.offset;
            // Nothing to copy for an empty array, which may be a view that this call's growth detached.
            if (s.copyIn && s.arr.length > 0)
                new (typedArrayCtor(s.arr))(buffer, s.ptr, s.arr.length).set(s.arr);
        }
        const result = kernel();
        const after = this.engine.memory.buffer;
        for (const s of this.slots) {
            if (s.staged && s.copyOut && s.arr.length > 0)
                s.arr.set(new (typedArrayCtor(s.arr))(after, s.ptr, s.arr.length));
        }
        return result;
    }
}
const ptr = (s) => (s ? s.ptr : 0);
class WasmEngine {
    exports;
    arena;
    /** Drops the cached views of the live alloc() matrices; run by dispose(). */
    dropViews = new Set();
    constructor(exports) {
        this.exports = exports;
        this.arena = new Arena(exports.memory, exports.heap_base());
    }
    get memory() { return this.exports.memory; }
    suffix(a) { return dtypeOf(a) === 'f64' ? '_f64' : '_f32'; }
    rowwise(fn, kernel, x, out) {
        const call = new Call(this, fn);
        const sx = call.in(x.data);
        const so = call.out(out.data);
        const k = this.exports[`${kernel}${this.suffix(x.data)}`];
        call.run(() => k(sx.ptr, so.ptr, x.rows, x.cols));
    }
    softmax(x, out) { this.rowwise('softmax', 'softmax', x, out); }
    logSoftmax(x, out) { this.rowwise('logSoftmax', 'log_softmax', x, out); }
    softmaxBackward(y, dy, out) {
        const call = new Call(this, 'softmaxBackward');
        const sy = call.in(y.data), sdy = call.in(dy.data), so = call.out(out.data);
        const k = this.exports[`softmax_backward${this.suffix(y.data)}`];
        call.run(() => k(sy.ptr, sdy.ptr, so.ptr, y.rows, y.cols));
    }
    softmaxJacobian(y, out) {
        const call = new Call(this, 'softmaxJacobian');
        const sy = call.in(y), so = call.out(out.data);
        const k = this.exports[`softmax_jacobian${this.suffix(y)}`];
        call.run(() => k(sy.ptr, so.ptr, y.length));
    }
    softmaxCrossEntropy(a) {
        const call = new Call(this, 'softmaxCrossEntropy');
        const sl = call.in(a.logits.data);
        const slab = call.opt(a.labels), stg = call.opt(a.targets?.data ?? null), sw = call.opt(a.weights);
        const sloss = call.opt(a.losses, false), sg = call.opt(a.grad?.data ?? null, false);
        const k = this.exports[`cross_entropy${this.suffix(a.logits.data)}`];
        return call.run(() => k(sl.ptr, a.logits.rows, a.logits.cols, ptr(slab), ptr(stg), ptr(sw), a.ignoreIndex, a.smoothing, a.reduction, ptr(sloss), ptr(sg)));
    }
    linearSoftmaxLoss(a) {
        const fn = 'linearSoftmaxLoss';
        const { rows: n, cols: d } = a.X;
        const c = a.W.cols;
        const sfx = this.suffix(a.X.data);
        const call = new Call(this, fn);
        const sX = call.in(a.X.data), slab = call.in(a.labels), sW = call.in(a.W.data), sb = call.opt(a.bias);
        const sdW = call.out(a.dW.data), sdb = call.out(a.db), sdX = call.opt(a.dX?.data ?? null, false);
        // A double, so a workspace beyond 4 GiB is reported as such (run() refuses it) rather than wrapped.
        const work = call.workspace(this.exports[`linear_softmax_scratch_bytes${sfx}`](n, d, c));
        const k = this.exports[`linear_softmax_loss${sfx}`];
        return call.run(() => k(sX.ptr, slab.ptr, sW.ptr, ptr(sb), n, d, c, a.reg, sdW.ptr, sdb.ptr, ptr(sdX), work.ptr));
    }
    /**
     * A zero-filled matrix in linear memory whose `data` view is re-derived after memory growth. The
     * matrix reaches the memory only through `current()` (the instance's live engine, null once
     * disposed), so a matrix kept after dispose() does not keep the linear memory alive.
     */
    alloc(dtype, rows, cols, current) {
        if (dtype !== 'f32' && dtype !== 'f64')
            fail('alloc', 'dtype', `must be 'f32' or 'f64', got ${describe(dtype)}`);
        const r = checkSize('alloc', 'rows', rows), c = checkSize('alloc', 'cols', cols);
        const C = dtype === 'f32' ? Float32Array : Float64Array;
        const n = r * c;
        if (n * C.BYTES_PER_ELEMENT > MAX_MEMORY_BYTES) {
            fail('alloc', 'rows', `× cols = ${r}×${c} ${dtype} needs ${fmtBytes(n * C.BYTES_PER_ELEMENT)}, more than the 4 GiB WebAssembly address space`);
        }
        const p = this.arena.alloc(n * C.BYTES_PER_ELEMENT, 'alloc');
        new Uint8Array(this.memory.buffer, p, n * C.BYTES_PER_ELEMENT).fill(0);
        let view = null;
        let freed = false;
        const drop = () => { view = null; };
        this.dropViews.add(drop);
        return {
            rows: r, cols: c,
            get data() {
                const engine = current();
                if (freed || engine === null) {
                    view = null;
                    throw new SoftmaxInputError(`alloc: this ${r}×${c} ${dtype} matrix was ${freed ? 'freed' : 'disposed with its instance'}; its data is gone`, 'data');
                }
                const buffer = engine.memory.buffer;
                if (view === null || view.buffer !== buffer)
                    view = new C(buffer, p, n);
                return view;
            },
            free() {
                const engine = current();
                view = null;
                if (freed || engine === null) {
                    freed = true;
                    return;
                }
                freed = true;
                engine.dropViews.delete(drop);
                engine.arena.free(p);
            },
        };
    }
}
/**
 * Compiles and instantiates the WASM SIMD kernels. Each call makes an independent instance with its
 * own memory (no global state); instances are cheap to keep and should be reused.
 * @param options `{ wasm }`: the module's bytes, URL or Response, when the app hosts the file itself;
 *   `{ simd }`: 'auto' (default: the relaxed-SIMD build where the engine supports it, else the
 *   baseline), 'baseline' or 'relaxed' (throws where unsupported).
 * @returns the kernels, with alloc() / dispose() / memoryBytes() and `build` ('baseline' | 'relaxed').
 * @example
 * const k = await loadWasm();
 * k.softmax(matrix(new Float32Array([1, 2, 3]), 1, 3)).data; // ≈ [0.0900306, 0.2447285, 0.6652410]
 */
async function loadWasm(options) {
    const exports = await instantiateKernels();
    const build = exports.simd_build?.() === 1 ? 'relaxed' : 'baseline';
    let engine = new WasmEngine(exports);
    const current = () => engine;
    const guard = (fn) => {
        if (!engine)
            throw new SoftmaxInputError(`${fn}: this WasmKernels instance was disposed; call loadWasm() again`, 'this');
    };
    // Route through the current engine so dispose() can drop it.
    const backend = {
        softmax: (x, out) => engine.softmax(x, out),
        logSoftmax: (x, out) => engine.logSoftmax(x, out),
        softmaxBackward: (y, dy, out) => engine.softmaxBackward(y, dy, out),
        softmaxJacobian: (y, out) => engine.softmaxJacobian(y, out),
        softmaxCrossEntropy: (a) => engine.softmaxCrossEntropy(a),
        linearSoftmaxLoss: (a) => engine.linearSoftmaxLoss(a),
    };
    const api = createKernels(backend, guard);
    const kernels = {
        ...api,
        alloc: ((dtype, rows, cols) => {
            guard('alloc');
            return engine.alloc(dtype, rows, cols, current);
        }),
        dispose() {
            engine?.dropViews.forEach((drop) => drop());
            engine = null;
        },
        memoryBytes() {
            guard('memoryBytes');
            return engine.memory.buffer.byteLength;
        },
        build,
    };
    return kernels;
}

// The app every bundler builds: the tutorial's example through the installed package.

const out = document.getElementById('out');
loadWasm().then((k) => {
  const p = k.softmax(matrix(new Float64Array([1, 2, 3]), 1, 3)).data;
  const r = k.linearSoftmaxLoss(matrix(new Float64Array([1, 2, 3]), 1, 3), new Int32Array([1]),
    matrix(new Float64Array([-1, 1, 1, -1, 0, 0]), 3, 2));
  out.textContent = `build=${k.build} softmax=${Array.from(p, (v) => v.toFixed(6)).join(',')} loss=${r.loss.toFixed(12)}`;
}, (e) => {
  out.textContent = `error: ${e.message}`;
});
