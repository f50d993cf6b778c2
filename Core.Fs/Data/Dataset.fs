namespace Seagull

/// Widths of the exchangeable blocks: u and v have width D ≥ 1 each, w has width K ≥ 0. Input columns are ordered [u | v | w].
type Blocks = { D: int; K: int }
