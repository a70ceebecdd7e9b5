#! title (en): 20 · Why contiguous is faster — and when it is not
#! title (zh): 20 · 为什么连续更快——以及什么时候并不更快
import torch
#: en: A million float32 values in row-major order: shape (1000, 1000), stride (1000, 1), 4,000,000 bytes. Open View → Memory walk: a row-major loop reads storage straight up the diagonal, one cache line (64 B, 16 floats) after the other, each fetched once.
#: zh: 一百万个按行优先排列的 float32：形状 (1000, 1000)，步长 (1000, 1)，共 4,000,000 字节。打开 显示 → 内存遍历：按行优先的循环沿对角线依次读取存储，一条缓存行（64 B，16 个 float）接着一条，每条只取入一次。
x = torch.arange(1000 * 1000, dtype=torch.float32).reshape(1000, 1000)
#: en: The transpose is a view with stride (1, 1000). Its row-major walk advances 1000 cells (4 KB) at each step and returns to every cache line 16 times: the walk plot is a saw-tooth, 1,000,000 line fetches instead of 62,500. Predict: is t.sum() slower than x.sum()? Press “Measure on this machine” in the Memory walk dock.
#: zh: 转置是一个步长为 (1, 1000) 的视图。它的行优先遍历每一步前进 1000 个单元（4 KB），每条缓存行要回来 16 次：遍历图是锯齿形，取入 1,000,000 次缓存行，而不是 62,500 次。预测一下：t.sum() 会比 x.sum() 慢吗？在内存遍历面板里点“在本机上测量”。
t = x.t()
#: en: The measurement says no: t.sum(), t.clone() and t + 1 run about as fast as on x. PyTorch's loops do not have to go in row-major order: t covers its storage without gaps, so the kernel walks it in storage order. See it here: t.clone() copies into a new storage but keeps stride (1, 1000) — printed below; it copies in storage order and reorders nothing.
#: zh: 测量的答案是：不会。t.sum()、t.clone() 和 t + 1 几乎和在 x 上一样快。PyTorch 的循环并不一定按行优先顺序进行：t 毫无空隙地覆盖它的存储，所以内核按存储顺序遍历它。这里就能看到：t.clone() 复制到一块新的存储里，却保留步长 (1, 1000)——见下面的输出；它按存储顺序复制，什么也不重新排列。
print(t.clone().stride())
#: en: Only t.contiguous() pays: to write stride (1000, 1) it reads t along the saw-tooth — measured several times slower than copying x.
#: zh: 只有 t.contiguous() 要付出代价：为了写出步长 (1000, 1)，它沿锯齿形读取 t——测得比复制 x 慢好几倍。
print(t.contiguous().stride())
#: en: A strided slice is different: s = x[:, ::2] has stride (1000, 2) and uses only half the bytes of every cache line it fetches. No loop order can remove those gaps, so every op on s reads twice the memory per element — here the measurement shows s slower than s.contiguous() for sum, clone and x + 1 alike.
#: zh: 带间隔的切片就不同了：s = x[:, ::2] 的步长为 (1000, 2)，取入的每条缓存行只用到一半的字节。任何循环顺序都去不掉这些空隙，所以对 s 的每个运算，每个元素都要读两倍的内存——测量显示，无论 sum、clone 还是 x + 1，s 都比 s.contiguous() 慢。
s = x[:, ::2]
#: en: Back to t: many operations need a contiguous input and make the copy themselves: t.reshape(-1) cannot be a view of t, so it copies into a new storage of 4,000,000 bytes (the print says False: another address) — the same cost as t.contiguous(), paid inside the call, where you do not see it.
#: zh: 回到 t：许多运算需要连续的输入，会自己先复制一份：t.reshape(-1) 不可能是 t 的视图，所以它复制到一块 4,000,000 字节的新存储里（输出 False：地址不同）——代价和 t.contiguous() 相同，只是在调用内部付出，你看不到。
print(t.reshape(-1).data_ptr() == t.data_ptr())
#: en: expand makes stride (0, 1): a million logical elements over 1000 stored floats (4,000 bytes). The walk re-reads the same 63 cache lines, which stay in the L1 cache: reading e is faster than reading a contiguous copy. The result of e + 1 still has a million elements, so the output costs what it always costs. So the precise claim: contiguous memory is faster when a layout has gaps (strided slices: every fetched cache line is partly wasted) or when an op must produce row-major order from a permuted layout (contiguous(), a reshape that cannot be a view, kernels that copy first). A transpose alone does not slow elementwise ops or reductions; expand can even read faster. Measure on your own tensor.
#: zh: expand 得到步长 (0, 1)：一百万个逻辑元素，只存了 1000 个 float（4,000 字节）。遍历反复读同样的 63 条缓存行，它们一直留在 L1 缓存里：读 e 比读一个连续副本还快。e + 1 的结果仍有一百万个元素，所以输出的开销一分不少。所以准确的说法是：当布局有空隙（带间隔的切片：取入的每条缓存行都有一部分被浪费），或者运算必须从一个置换过的布局产生行优先顺序（contiguous()、无法成为视图的 reshape、先复制的内核）时，连续内存更快。仅仅是转置并不会让逐元素运算或归约变慢；expand 读起来甚至更快。请在你自己的张量上测量。
e = torch.arange(1000, dtype=torch.float32).expand(1000, 1000)
