namespace Seagull

module internal Placeholder_Experiment_Statistics =
    let internal pending = ()
