#! title (en): 19 · The NumPy bridge: the same bytes, counted two ways
#! title (zh): 19 · NumPy 桥：同一块内存，两种计数方式
import torch
import numpy as np
#: en: A 3×4 tensor of float64 (8 bytes each): shape (3, 4), stride (4, 1) — PyTorch counts strides in elements.
#: zh: 一个 float64（每个 8 字节）的 3×4 张量：形状 (3, 4)，步长 (4, 1)——PyTorch 的步长以元素计。
t = torch.arange(12, dtype=torch.float64).reshape(3, 4)
#: en: t.numpy() copies nothing: the array n describes t's storage. NumPy counts strides in bytes: NumPy strides (32, 8) bytes = PyTorch stride (4, 1) × 8 B.
#: zh: t.numpy() 不复制任何东西：数组 n 描述的就是 t 的存储。NumPy 的步长以字节计：NumPy 的字节步长 (32, 8) = PyTorch 的步长 (4, 1) × 8 字节。
n = t.numpy()
#: en: Same layout, two units: (32, 8) bytes, (4, 1) elements, 8 bytes per element.
#? output
#: zh: 同一种布局，两种单位：(32, 8) 字节，(4, 1) 个元素，每个元素 8 字节。
print(n.strides, t.stride(), t.element_size())
#: en: n does not own its data (owndata is False): the bytes belong to t's storage.
#: zh: n 并不拥有自己的数据（owndata 为 False）：这些字节属于 t 的存储。
print(n.flags.owndata, n.dtype)
#: en: Write through the tensor…
#: zh: 通过张量写入……
t[0, 0] = 100
#: en: …and the array sees it: the same bytes.
#: zh: ……数组也看到了：同一块字节。
print(n[0, 0])
#: en: The other way round: NumPy adds 1 in place (out=n), and the tensor sees it.
#: zh: 反过来：NumPy 原地加 1（out=n），张量也看到了。
np.add(n, 1, out=n)
print(t[0, 0])
#: en: t.T is a view with stride (1, 4); its .numpy() has strides (8, 32) bytes: F-contiguous (column-major), not C-contiguous.
#: zh: t.T 是一个步长为 (1, 4) 的视图；它的 .numpy() 的字节步长 (8, 32)：F 连续（列优先），而不是 C 连续。
nt = t.T.numpy()
print(nt.strides, nt.flags.c_contiguous, nt.flags.f_contiguous)
#: en: np.ascontiguousarray copies it into new memory in C order: strides (24, 8), owndata True, no longer shared with t.
#: zh: np.ascontiguousarray 把它复制到新的内存里，按 C 顺序排列：字节步长 (24, 8)，owndata 为 True，不再与 t 共享。
c = np.ascontiguousarray(nt)
print(c.strides, c.flags.owndata, np.shares_memory(c, n))
#: en: Now from NumPy to torch. An array of four float64 ones, strides (8,).
#: zh: 现在从 NumPy 到 torch。一个由四个 float64 的 1 组成的数组，字节步长 (8,)。
m = np.ones(4)
#: en: torch.from_numpy(m) wraps m's memory in a tensor: nothing is copied.
#: zh: torch.from_numpy(m) 把 m 的内存包装成张量：没有复制。
shared = torch.from_numpy(m)
#: en: torch.tensor(m) always copies into a new storage.
#: zh: torch.tensor(m) 总是复制到一块新的存储里。
copied = torch.tensor(m)
#: en: Change m: the tensor from from_numpy changes, the copy does not.
#? output
#: zh: 修改 m：from_numpy 得到的张量跟着变，复制出来的不变。
m[0] = 7
print(shared[0].item(), copied[0].item())
#: en: In NumPy, reversing is a free view: the step −1 gives strides (-8,) bytes, starting at the last element.
#: zh: 在 NumPy 里，反转是一个免费的视图：间隔 −1 得到字节步长 (-8,)，从最后一个元素开始。
r = m[::-1]
print(r.strides, r.base is m)
#: en: But a PyTorch stride is never negative (torch.flip copies instead of viewing), so no tensor can view r: from_numpy refuses.
#: zh: 但 PyTorch 的步长从不为负（torch.flip 会复制，而不是生成视图），所以没有张量能作为 r 的视图：from_numpy 拒绝了。
#! expect-error
bad = torch.from_numpy(r)
#: en: The fix: copy first. r.copy() owns fresh memory in order, strides (8,); the tensor has stride (1,).
#: zh: 解决办法：先复制。r.copy() 拥有一块按顺序排列的新内存，字节步长 (8,)；得到的张量步长为 (1,)。
good = torch.from_numpy(r.copy())
print(good.stride(), good.tolist())
