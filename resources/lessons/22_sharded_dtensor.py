#! title (en): 22 · Sharded layouts: one tensor, four processes
#! title (zh): 22 · 分片布局：一个张量，四个进程
#! mesh 2x2
import torch
from torch.distributed.tensor import init_device_mesh, distribute_tensor, Shard, Replicate
#: en: Four real processes (ranks 0–3) run this same script, joined by the gloo backend. The mesh puts them in a 2×2 grid: rank = 2·row + column.
#: zh: 四个真实的进程（rank 0–3）运行同一个脚本，由 gloo 后端连接。网格把它们排成 2×2：rank = 2·行 + 列。
mesh = init_device_mesh("cpu", (2, 2))
#: en: A 4×6 tensor, shape (4, 6), stride (6, 1). Every rank builds the same one.
#: zh: 一个 4×6 的张量，形状 (4, 6)，步长 (6, 1)。每个 rank 都构造同一个张量。
x = torch.arange(24.).reshape(4, 6)
#: en: Shard(0) on mesh dim 0 splits the rows between the mesh's rows; Replicate() on mesh dim 1 copies them across its columns. Ranks 0 and 1 hold rows 0–1, ranks 2 and 3 rows 2–3: striped cells are held twice.
#: zh: 网格第 0 维上的 Shard(0) 把各行分给网格的两行；网格第 1 维上的 Replicate() 把它们复制到各列。rank 0 和 1 持有第 0–1 行，rank 2 和 3 持有第 2–3 行：带条纹的单元被持有两份。
rows = distribute_tensor(x, mesh, [Shard(0), Replicate()])
#: en: Shard(0), Shard(1): each rank holds one 2×3 block, its own contiguous storage of 6 cells — local shape (2, 3), stride (3, 1), offset 0, although in the global tensor one row down is 6 cells.
#: zh: Shard(0), Shard(1)：每个 rank 持有一个 2×3 的块，它自己的连续存储有 6 个单元——本地形状 (2, 3)，步长 (3, 1)，偏移 0，尽管在全局张量里向下一行是 6 个单元。
blocks = distribute_tensor(x, mesh, [Shard(0), Shard(1)])
#: en: to_local() is this rank's block as a plain tensor: what rank 0's storage holds.
#: zh: to_local() 把这个 rank 的块作为普通张量：rank 0 的存储里的内容。
mine = blocks.to_local()
#: en: redistribute to [Replicate(), Shard(1)]: the ranks exchange blocks (an all-gather along mesh dim 0); now every rank holds all 4 rows of 3 columns, local shape (4, 3).
#: zh: 重新分布为 [Replicate(), Shard(1)]：各 rank 交换块（沿网格第 0 维的 all-gather）；现在每个 rank 持有 3 列的全部 4 行，本地形状 (4, 3)。
columns = blocks.redistribute(mesh, [Replicate(), Shard(1)])
#: en: full_tensor() gathers every block into one plain tensor on every rank: shape (4, 6) again.
#: zh: full_tensor() 把所有块收集成每个 rank 上的一个普通张量：形状又是 (4, 6)。
whole = columns.full_tensor()
