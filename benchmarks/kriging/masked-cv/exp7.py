from h import *
hid=read_hidden(sys.argv[1] if len(sys.argv)>1 else '/work/shared/datasets/los-loop/kriging-test-nodes.csv',ids)
obs,fold,nf=setup(hid)
Xtr=X[:TR]; Xte=X[TR:]
def smooth(Xr,a):
    S=Xr.copy()
    for t in range(1,len(S)): S[t]=a*S[t-1]+(1-a)*Xr[t]
    return S
def cv(fn,Xs):
    e=[]
    for t in obs:
        cand=np.array([j for j in obs if fold[j]!=fold[t]]); e.append(np.abs(fn(Xs,t,cand)-Xtr[:,t]))
    return np.mean(e)
def te(fn,Xs): return np.mean([np.abs(fn(Xs,t,obs)-Xte[:,t]) for t in hid])
for a in [0,0.2,0.4,0.6]:
    Xall=smooth(X,a)
    fn=lambda Xr,t,c: knn_pred(Xr,t,c,5,SIG)
    print(a, round(cv(fn,Xall[:TR]),3), round(te(fn,Xall[TR:]),3))
