#! title (en): 7 · When view() works: the merge rule, not contiguity — and contiguous() as the fix
#! title (zh): 7 · view() 何时成功：看能否合并维度，而不是看是否连续——以及用 contiguous() 解决
import torch
#: en: A 3×4 tensor: shape (3, 4), stride (4, 1).
#: zh: 一个 3×4 的张量：形状 (3, 4)，步长 (4, 1)。
a = torch.arange(12).reshape(3, 4)
#: en: Its transpose: shape (4, 3), stride (1, 4), the same storage. It is not contiguous.
#: zh: 它的转置：形状 (4, 3)，步长 (1, 4)，同一块存储。它不连续。
t = a.t()
#: en: view(12) fails: it must read all 12 elements with ONE stride, so dims 0 and 1 must merge — and two dims merge only if stride[0] == stride[1] × size[1]. Here 1 ≠ 4 × 3 = 12.
#: zh: view(12) 失败了：它必须用同一个步长读完全部 12 个元素，所以第 0 维和第 1 维必须合并——而两维只有在 stride[0] == stride[1] × size[1] 时才能合并。这里 1 ≠ 4 × 3 = 12。
#? error
#! expect-error
w = t.view(12)
#: en: But t.view(2, 2, 3) works although t is not contiguous: it only splits dim 0 (size 4, stride 1) into 2 × 2 (strides 2 and 1) and keeps dim 1 (stride 4). Stride (2, 1, 4), the same storage, no copy.
#: zh: 但 t.view(2, 2, 3) 可以成功，尽管 t 不连续：它只是把第 0 维（大小 4，步长 1）拆成 2 × 2（步长为 2 和 1），第 1 维（步长 4）不变。步长 (2, 1, 4)，同一块存储，没有复制。
#? error
s = t.view(2, 2, 3)
#: en: So contiguity is enough (on a contiguous tensor every shape with the same number of elements is a view) but not needed: view() fails only when a new dim would have to span old dims that break the merge rule. The fix for view(12): contiguous() copies t into a new storage in row-major order, stride (3, 1).
#: zh: 所以连续是充分条件（对连续张量，任何元素个数相同的形状都能 view），但不是必要条件：只有当一个新维度需要横跨不满足合并规则的几个原维度时，view() 才会失败。view(12) 的解决办法：contiguous() 把 t 按行优先顺序复制到新的存储，步长 (3, 1)。
c = t.contiguous()
#: en: Now view(12) works: stride (1,) walks the whole copy. It views the copy, not a: a write to v does not reach a.
#: zh: 现在 view(12) 成功了：步长 (1,) 走完整个副本。它是副本的视图，不是 a 的：写入 v 不会影响 a。
v = c.view(12)
