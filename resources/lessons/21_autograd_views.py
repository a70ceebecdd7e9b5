#! title (en): 21 · Autograd and views: leaves, grad_fn, detach — and two in-place errors
#! title (zh): 21 · autograd 与视图：叶子张量、grad_fn、detach——以及两个原地写入错误
import torch
#: en: A leaf that requires grad: w is made by us, not by an operation, so autograd treats it as a parameter: it is a leaf and has no grad_fn. It prints True None.
#: zh: 一个 requires grad 的叶子张量：w 是我们自己创建的，不是运算的结果，所以 autograd 把它当作参数：它是叶子张量，没有 grad_fn。输出 True None。
w = torch.ones(2, 3, requires_grad=True)
print(w.is_leaf, w.grad_fn)
#: en: wt = w.t() is a view: the same storage S1, stride (1, 3), no data copied. Autograd also records how it was made: its grad_fn is TBackward0. It prints True TBackward0.
#: zh: wt = w.t() 是一个视图：同一块存储 S1，步长 (1, 3)，没有复制数据。autograd 还记录了它是怎么来的：它的 grad_fn 是 TBackward0。输出 True TBackward0。
wt = w.t()
print(wt._base is w, wt.grad_fn.name())
#: en: d = w.detach() shares the storage of w but is cut out of the graph: it does not require grad. It prints False True.
#: zh: d = w.detach() 与 w 共享存储，但已脱离计算图：它不需要梯度。输出 False True。
d = w.detach()
print(d.requires_grad, d.data_ptr() == w.data_ptr())
#: en: A write through d is a write into the bytes of w, and autograd does not see it: w[0, 0] is now 5.0, and the version counter of w went from 0 to 1. It prints 5.0 1.
#: zh: 通过 d 写入就是写入 w 的字节，而 autograd 看不到：w[0, 0] 现在是 5.0，w 的版本计数从 0 变成了 1。输出 5.0 1。
d[0, 0] = 5.0
print(w[0, 0].item(), w._version)
#: en: raw = w.data shares the storage of w too, as d does, but not its version counter.
#: zh: raw = w.data 也与 w 共享存储（和 d 一样），但不共享它的版本计数。
raw = w.data
#: en: So the write of 7.0 into w[0, 1] through raw is not counted: the version of w stays 1, and autograd could never catch it. Prefer detach(). It prints 7.0 1.
#: zh: 所以通过 raw 把 7.0 写入 w[0, 1] 不会被计数：w 的版本仍是 1，autograd 永远发现不了。应优先使用 detach()。输出 7.0 1。
raw[0, 1] = 7.0
print(w[0, 1].item(), w._version)
#: en: v = w[0] is a view of the leaf w (grad_fn SelectBackward0), on the same storage S1.
#: zh: v = w[0] 是叶子张量 w 的视图（grad_fn 是 SelectBackward0），在同一块存储 S1 上。
v = w[0]
#: en: Predict: can we add 1 to v in place? PyTorch refuses: it would change the parameter w behind autograd's back.
#: zh: 先预测：能对 v 原地加 1 吗？PyTorch 拒绝了：这会在 autograd 不知情的情况下改变参数 w。
v.add_(1)  #! expect-error
#: en: The fix: v2 = w[0].clone() copies into a new storage S2, and autograd tracks the copy (grad_fn CloneBackward0).
#: zh: 解决办法：v2 = w[0].clone() 复制到一块新的存储 S2，autograd 会跟踪这个副本（grad_fn 是 CloneBackward0）。
v2 = w[0].clone()
#: en: Writing into the copy v2 is fine: its own storage S2 changes, and w does not.
#: zh: 写入副本 v2 没有问题：变的是它自己的存储 S2，w 不变。
v2.add_(1)
#: en: b = w * 2 is an intermediate result: not a leaf, made by an operation (grad_fn MulBackward0).
#: zh: b = w * 2 是一个中间结果：不是叶子张量，而是运算的结果（grad_fn 是 MulBackward0）。
b = w * 2
#: en: c = b.pow(2) saves b for the backward pass: the gradient of b * b needs b, as it is now, at version 0.
#: zh: c = b.pow(2) 为反向传播保存了 b：b * b 的梯度需要 b 现在的样子，即版本 0 的 b。
c = b.pow(2)
#: en: b.mul_(3) is allowed (b is not a leaf), but it moves the version of b from 0 to 1. It prints 1.
#: zh: b.mul_(3) 是允许的（b 不是叶子张量），但它把 b 的版本从 0 变成了 1。输出 1。
b.mul_(3)
print(b._version)
#: en: Predict what backward() says: it needs the b it saved at version 0, and b is at version 1, so it refuses.
#: zh: 先预测 backward() 会说什么：它需要保存时处于版本 0 的 b，而 b 现在是版本 1，所以它拒绝了。
c.sum().backward()  #! expect-error
#: en: Out of place it works. Start again: p = w * 2 is a fresh intermediate result, as b was.
#: zh: 改用非原地写法就可以。重新开始：p = w * 2 是一个新的中间结果，和 b 一样。
p = w * 2
#: en: q = p.pow(2) saves p for the backward pass, as c saved b.
#: zh: q = p.pow(2) 为反向传播保存了 p，就像 c 保存了 b。
q = p.pow(2)
#: en: r = p * 3 writes its result into a new storage and leaves the saved p alone: p stays at version 0.
#: zh: r = p * 3 把结果写入一块新的存储，不会动保存的 p：p 仍是版本 0。
r = p * 3
#: en: Now backward() runs: w.grad holds the gradient 8 * w of the sum of (2 * w) * (2 * w). It prints [[40.0, 56.0, 8.0], [8.0, 8.0, 8.0]].
#: zh: 现在 backward() 可以运行了：w.grad 里是 (2 * w) * (2 * w) 之和的梯度 8 * w。输出 [[40.0, 56.0, 8.0], [8.0, 8.0, 8.0]]。
q.sum().backward()
print(w.grad.tolist())
