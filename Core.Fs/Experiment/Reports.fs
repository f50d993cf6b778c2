namespace Seagull

module internal Placeholder_Experiment_Reports =
    let internal pending = ()
